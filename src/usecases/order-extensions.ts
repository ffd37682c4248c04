/**
 * Extension requests (申请延期): asking for a later due date from the order card (every manager in the order's
 * chain gets an approve / deny card), and a manager's decision (the people of the school told, only if this
 * decision is the one recorded).
 */
import type { Services } from "./services.ts";
import {
  applyExtensionStatement,
  decideExtensionStatement,
  extensionCounts,
  extensionDecided,
  extensionRequestAt,
  extensionRequestStatements,
} from "../db/extensions.ts";
import { eventIfChanged, findOrderByNumber, recipientsOfOrder, relationOf, type OrderRecord } from "../db/orders.ts";
import { managersInChain, type Actor } from "../db/people.ts";
import type { Probe } from "../delivery/outbox.ts";
import { checkDueDate, datePart, MAX_NOTE_TEXT, normalizeOrderNumber, transition, type Refusal } from "../domain/orders.ts";
import { localDate, parseDate } from "../domain/time.ts";
import { extensionDecisionCard, orderCard } from "../feishu/cards/order-card.ts";
import { notifyPeople } from "./orders.ts";

export type RequestExtensionResult = { ok: true } | { ok: false; reason: "bad-extension" | "pending" } | { ok: false; reason: "not-later"; dueDate: string };

/**
 * `order` (already checked: the actor may request an extension of it now) to `due` (as typed) for `reason`:
 * the request and its audit row, and the managers' decision cards (`order:<number>:extension:<ordinal>:<person>`).
 */
export async function requestExtension(services: Services, input: { actor: Actor; order: OrderRecord; due: string; reason: string }): Promise<RequestExtensionResult> {
  const { order, actor, reason } = input;
  const { d1, nowMs } = services;
  const timeZone = services.config.TIMEZONE;
  const today = localDate(nowMs, timeZone);
  const due = checkDueDate(parseDate(datePart(input.due), nowMs, timeZone), today);
  if (!due.ok || due.due === today || !reason || reason.length > MAX_NOTE_TEXT) return { ok: false, reason: "bad-extension" };
  const requested = due.due;
  if (requested <= order.dueDate) return { ok: false, reason: "not-later", dueDate: order.dueDate };
  const existing = await extensionCounts(d1, order.id);
  if (existing.pending > 0) return { ok: false, reason: "pending" };
  const ordinal = existing.n + 1;
  services.uow.write(
    ...extensionRequestStatements(d1, { orderId: order.id, requestedBy: actor.code, requestedDue: requested, reason, ordinal, note: `${order.dueDate} → ${requested}：${reason}` }, nowMs),
  );
  notifyPeople(services, await managersInChain(services.db, { zone: { level: order.zoneLevel, district: order.zoneDistrict } }), (p) => `order:${order.number}:extension:${ordinal}:${p.code}`, (pt) =>
    extensionDecisionCard(pt, order, { ordinal, requesterName: actor.name, requestedDue: requested, reason }, { today, timeZone }),
  );
  return { ok: true };
}

export type DecideExtensionResult =
  | { ok: true; orderNumber: string; requestedDue: string; /** held once committed: this decision is the one recorded */ applied: Probe }
  | { ok: false; reason: "expired" }
  | { ok: false; reason: "gone" }
  | { ok: false; reason: "out-of-scope"; orderNumber: string }
  | { ok: false; reason: "refused"; refusal: Refusal };

/** A manager approves or denies the `ordinal`-th request of the order numbered `number`. */
export async function decideExtension(services: Services, input: { actor: Actor; number: string; ordinal: number; approve: boolean }): Promise<DecideExtensionResult> {
  const { actor, approve } = input;
  const { d1, nowMs } = services;
  const order = await findOrderByNumber(d1, normalizeOrderNumber(input.number));
  if (!order) return { ok: false, reason: "expired" };
  if (relationOf(actor, order) !== "manager") return { ok: false, reason: "out-of-scope", orderNumber: order.number };
  const request = await extensionRequestAt(d1, order.id, input.ordinal);
  if (!request) return { ok: false, reason: "expired" };
  if (request.status !== "pending") return { ok: false, reason: "gone" };
  const step = transition("decide_extension", order.status, "manager", order.kind);
  if (!step.ok) return { ok: false, reason: "refused", refusal: step.reason };
  // the request's state just read decides: the point where a test makes two decisions commit from that same state
  services.uow.criticalPoint(`order:${order.number}`).write(
    decideExtensionStatement(d1, request.id, approve, actor.code, nowMs),
    eventIfChanged(d1, {
      orderId: order.id,
      at: nowMs,
      actorCode: actor.code,
      action: approve ? "extension_approved" : "extension_denied",
      note: approve ? `${order.dueDate} → ${request.requestedDue}` : null,
      data: { requestId: request.id, from: order.dueDate, to: request.requestedDue },
    }),
  );
  if (approve) services.uow.write(applyExtensionStatement(d1, order.id, request.id, request.requestedDue, actor.code, nowMs));
  // another manager may decide the same request in the same moment: only the decision recorded is announced
  const decided = extensionDecided(request.id, approve, actor.code, nowMs);
  const timeZone = services.config.TIMEZONE;
  const today = localDate(nowMs, timeZone);
  const after = { ...order, dueDate: approve ? request.requestedDue : order.dueDate };
  notifyPeople(
    services,
    await recipientsOfOrder(d1, order),
    (p) => `order:${order.number}:extension-decided:${request.id}:${p.code}`,
    (pt) =>
      orderCard(pt, after, {
        today,
        timeZone,
        title: pt.orders.extensionDecidedTitle(order.number),
        intro: approve ? pt.orders.extensionApprovedIntro(after.dueDate) : pt.orders.extensionDeniedIntro(after.dueDate),
        actions: true,
      }),
    decided,
  );
  return { ok: true, orderNumber: order.number, requestedDue: request.requestedDue, applied: services.uow.probe(decided) };
}
