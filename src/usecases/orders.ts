/**
 * Orders use cases: issuing (numbers, rows, audit, delivery cards in the caller's unit of work), the guarded
 * lifecycle change every handler shares, and telling people about it. Reads and statements come from db/orders.ts;
 * nothing here is sent directly: everything is queued on `services.uow`.
 */
import type { Services } from "./services.ts";
import {
  allocateSeqs,
  issueStatements,
  loadPrefixes,
  numberingOffices,
  personName,
  recipientsOf,
  recipientsOfOrder,
  schoolNames,
  transitionStatements,
  type OrderRecord,
} from "../db/orders.ts";
import { managersInChain, type Actor, type ChainOf, type Person } from "../db/people.ts";
import { findVisibleOrder, type FindOrderResult } from "./orders-read.ts";
import type { BatchCondition } from "../delivery/outbox.ts";
import { checkDueDate, formatOrderNumber, MAX_NOTE_TEXT, transition, type OrderKind, type OrderStatus, type OrderView, type Refusal } from "../domain/orders.ts";
import { localDate, parseDate } from "../domain/time.ts";
import { escapeMarkdown, type Card, type HeaderTemplate } from "../feishu/cards/kit.ts";
import { orderCard } from "../feishu/cards/order-card.ts";
import { messages, type Messages } from "../i18n/index.ts";

export interface IssueInput {
  kind: OrderKind;
  /** one order per entry; a school may appear more than once (one rectification item per problem) */
  schoolCodes: string[];
  dueDate: string;
  text: string;
  issuedByCode: string;
  /** per entry, the visit report problem the item tracks (kind `rectification_item`) */
  problemIds?: (number | null)[];
  /** per entry, a text / due date overriding `text` / `dueDate` */
  texts?: (string | null)[];
  dueDates?: (string | null)[];
}

export interface IssuedOrder {
  number: string;
  schoolCode: string;
  /** how many people the delivery card goes to */
  recipients: number;
  id?: number;
}

/**
 * Issues one numbered order per entry of `schoolCodes`: allocates the numbers at once (one statement),
 * then queues on `services.uow` the order rows, their `issued` audit rows and the delivery cards to each
 * school's nameplate supervisor and contacts (`order:<number>:deliver:<personCode>`).
 * The caller validates (schools exist, due date, text length, role) and commits the unit of work.
 */
export async function issueOrders(services: Services, input: IssueInput): Promise<IssuedOrder[]> {
  const count = input.schoolCodes.length;
  if (count === 0) return [];
  const { d1, nowMs } = services;
  const timeZone = services.config.TIMEZONE;
  const today = localDate(nowMs, timeZone);
  const year = Number(today.slice(0, 4));
  const [prefixes, recipients, names, issuerName, officeOf] = await Promise.all([
    loadPrefixes(d1),
    recipientsOf(d1, input.schoolCodes),
    schoolNames(d1, input.schoolCodes),
    personName(d1, input.issuedByCode),
    // a report's rectification items belong to the school's office and carry its prefix, whoever reported
    numberingOffices(d1, input.issuedByCode, input.schoolCodes, input.kind === "rectification_item"),
  ]);
  // one sequence per office: the schools of each office take consecutive numbers of its own
  const counts = new Map<string, number>();
  for (const code of input.schoolCodes) {
    const office = officeOf.get(code)?.code ?? "";
    counts.set(office, (counts.get(office) ?? 0) + 1);
  }
  const next = new Map<string, number>();
  for (const [office, n] of counts) next.set(office, await allocateSeqs(d1, input.kind, year, n, office));
  const rows = input.schoolCodes.map((schoolCode, i) => {
    const office = officeOf.get(schoolCode) ?? null;
    const seq = next.get(office?.code ?? "")!;
    next.set(office?.code ?? "", seq + 1);
    return {
      number: formatOrderNumber(`${office?.shortName ?? ""}${prefixes[input.kind]}`, year, seq),
      officeCode: office?.code ?? "",
      seq,
      schoolCode,
      text: input.texts?.[i] ?? input.text,
      dueDate: input.dueDates?.[i] ?? input.dueDate,
      problemId: input.problemIds?.[i] ?? null,
    };
  });
  services.uow.write(...issueStatements(d1, { kind: input.kind, year, issuedByCode: input.issuedByCode, nowMs }, rows));

  for (const row of rows) {
    const view: OrderView = {
      number: row.number,
      kind: input.kind,
      schoolCode: row.schoolCode,
      schoolName: names.get(row.schoolCode) ?? row.schoolCode,
      text: row.text,
      dueDate: row.dueDate,
      status: "issued",
      issuedByName: issuerName,
      issuedAt: nowMs,
    };
    notifyPeople(services, recipients.get(row.schoolCode) ?? [], (person) => `order:${row.number}:deliver:${person.code}`, (t) =>
      orderCard(t, view, { today, timeZone, intro: t.orders.deliverIntro, actions: true, download: true }),
    );
  }
  return rows.map((row) => ({ number: row.number, schoolCode: row.schoolCode, recipients: (recipients.get(row.schoolCode) ?? []).length }));
}

/** Queues one card per person, in the person's language (with `onlyIf`, only if that holds when the batch runs). */
export function notifyPeople(
  services: Services,
  people: readonly { code: string; openId: string | null; lang: string }[],
  key: (person: { code: string }) => string,
  build: (t: Messages) => Card,
  onlyIf?: BatchCondition,
): number {
  let sent = 0;
  for (const person of people) {
    if (!person.openId) continue;
    services.uow.send({ key: key(person), to: { openId: person.openId }, msgType: "interactive", content: build(messages(person.lang)), ...(onlyIf ? { onlyIf } : {}) });
    sent++;
  }
  return sent;
}

/**
 * Tells `people` about a change to `order` made from the state just read, if the change applied (`applied`,
 * from `queueTransition`): of two changes raced from the same state only the one whose batch commits first
 * is told. The key names that state (`order:<number>:after:<updatedAt>:<person>`), so a repeat of the same
 * change adds nothing either.
 */
export function notifyChange(
  services: Services,
  order: Pick<OrderRecord, "number" | "updatedAt">,
  people: readonly { code: string; openId: string | null; lang: string }[],
  build: (t: Messages) => Card,
  applied: BatchCondition,
): number {
  return notifyPeople(services, people, (person) => `order:${order.number}:after:${order.updatedAt}:${person.code}`, build, applied);
}

/**
 * Moves an order from the state just read to `to` (guarded: nothing happens if the order changed meanwhile,
 * e.g. another manager's click in the same moment) and appends the audit row in the same batch.
 * Returns the condition "this change applied" (its audit row exists), for answers that must not claim a lost race.
 */
export function queueTransition(
  services: Services,
  order: Pick<OrderRecord, "id" | "number" | "status" | "updatedAt">,
  change: { to: OrderStatus; actorCode: string; action: string; note?: string | null; data?: unknown; set?: Record<string, string | number | null> },
): BatchCondition {
  const { statements, applied } = transitionStatements(services.d1, services.nowMs, order, change);
  // the state just read decides the change: the point where a test makes two requests commit from that same state
  services.uow.criticalPoint(`order:${order.number}`).write(...statements);
  return applied;
}

/**
 * Who verifies a report: the issuer if a manager in the chain of the school's office with an open_id; otherwise (a
 * supervisor's rectification item, a bootstrap admin, an issuer since moved away) every manager in that chain.
 */
export async function issuerOrManagers(services: Pick<Services, "db">, issuedBy: string, of: ChainOf): Promise<Person[]> {
  const managers = await managersInChain(services.db, of);
  const issuer = managers.filter((person) => person.code === issuedBy);
  return issuer.length > 0 ? issuer : managers;
}


/** What a manager's step on an order changes and tells: `close`, `reopen`, `cancel`. */
export interface ManagerStepInput {
  action: "close" | "reopen" | "cancel";
  /** the audit trail's action */
  event: string;
  noteRequired: boolean;
  /** columns set with the status (the time is the request's) */
  set?: (nowMs: number) => Record<string, number | null>;
  /** the card the school's supervisor and contacts get, in their language; `note` is escaped */
  card: (t: Messages, number: string, note: string) => { title: string; intro: string; template?: HeaderTemplate; actions?: boolean };
}

type NotFound = Exclude<FindOrderResult, { ok: true }>;
type Refused = { ok: false; reason: "refused"; number: string; refusal: Refusal };

export type ManagerStepResult =
  | { ok: true; number: string; applied: BatchCondition }
  | NotFound
  | Refused
  | { ok: false; reason: "note-required" }
  | { ok: false; reason: "note-too-long"; max: number };

/**
 * `<command> <number> [note]` by a manager: the order named (if `actor` may see it), the note checked, the lifecycle
 * asked; any refusal queues nothing. Otherwise the guarded change, its audit row and a card to each of the school's
 * supervisor and contacts, in `services.uow`. The handler answers on `applied` (the change won) or its absence.
 */
export async function applyManagerStep(services: Services, actor: Actor, argv: readonly string[], step: ManagerStepInput): Promise<ManagerStepResult> {
  const found = await findVisibleOrder(services, actor, argv);
  if (!found.ok) return found;
  const { order } = found;
  const note = found.rest.join(" ").trim();
  if (step.noteRequired && !note) return { ok: false, reason: "note-required" };
  if (note.length > MAX_NOTE_TEXT) return { ok: false, reason: "note-too-long", max: MAX_NOTE_TEXT };
  const next = transition(step.action, order.status, "manager", order.kind);
  if (!next.ok) return { ok: false, reason: "refused", number: order.number, refusal: next.reason };
  const applied = queueTransition(services, order, { to: next.to, actorCode: actor.code, action: step.event, note: note || null, set: step.set?.(services.nowMs) });
  const timeZone = services.config.TIMEZONE;
  const today = localDate(services.nowMs, timeZone);
  const after = { ...order, status: next.to };
  const recipients = await recipientsOfOrder(services.d1, order);
  notifyChange(services, order, recipients, (pt) => orderCard(pt, after, { today, timeZone, ...step.card(pt, order.number, escapeMarkdown(note)) }), applied);
  return { ok: true, number: order.number, applied };
}

export type ExtendResult =
  | { ok: true; number: string; due: string; applied: BatchCondition }
  | NotFound
  | Refused
  | { ok: false; reason: "no-due" }
  | { ok: false; reason: "bad-due"; problem: "past" | "too_far" | "invalid"; parsed: string | null; dueText: string }
  | { ok: false; reason: "same-due"; number: string; due: string };

/** `extend <number> <due>`: moves an open order's due date with its audit row, and tells the school. */
export async function extendOrder(services: Services, actor: Actor, argv: readonly string[]): Promise<ExtendResult> {
  const found = await findVisibleOrder(services, actor, argv);
  if (!found.ok) return found;
  const { order } = found;
  const step = transition("extend", order.status, "manager", order.kind);
  if (!step.ok) return { ok: false, reason: "refused", number: order.number, refusal: step.reason };
  const timeZone = services.config.TIMEZONE;
  const today = localDate(services.nowMs, timeZone);
  const dueText = found.rest.join(" ").trim();
  if (!dueText) return { ok: false, reason: "no-due" };
  const parsed = parseDate(dueText, services.nowMs, timeZone);
  const due = checkDueDate(parsed, today);
  if (!due.ok) return { ok: false, reason: "bad-due", problem: due.reason, parsed, dueText };
  if (due.due === order.dueDate) return { ok: false, reason: "same-due", number: order.number, due: due.due };
  const applied = queueTransition(services, order, {
    to: step.to,
    actorCode: actor.code,
    action: "extended",
    note: `${order.dueDate} → ${due.due}`,
    data: { from: order.dueDate, to: due.due },
    set: { due_date: due.due },
  });
  const extended = { ...order, dueDate: due.due };
  notifyChange(services, order, await recipientsOfOrder(services.d1, order), (pt) =>
    orderCard(pt, extended, { today, timeZone, title: pt.orders.extendedTitle(order.number), intro: pt.orders.extendedIntro(due.due), actions: true }),
    applied,
  );
  return { ok: true, number: order.number, due: due.due, applied };
}
