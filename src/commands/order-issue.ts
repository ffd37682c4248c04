/**
 * Issuing orders: `order`/`督办`, `notice`/`督导通知`, `bulletin`/`通报`, `rectify`/`整改`
 * `<schools> <due> <text>`. Without arguments: the issuing form. `order <number>` shows an order.
 */
import { issueOrders } from "../usecases/orders.ts";
import { schoolRefs } from "../db/people.ts";
import type { OrderKind } from "../db/schema.ts";
import { checkDueDate, datePart, looksLikeOrderNumber, MAX_ORDER_TEXT, MAX_SCHOOLS_PER_ISSUE } from "../domain/orders.ts";
import { matchSchools, splitSchoolList } from "../domain/school-match.ts";
import { localDate, parseDate } from "../domain/time.ts";
import { textContent, type Card } from "../feishu/cards/kit.ts";
import { issueFormCard, issuedCard } from "../feishu/cards/order-card.ts";
import type { Messages } from "../i18n/index.ts";
import { showOrder } from "./order-show.ts";
import { schoolsBeyondReach } from "../usecases/policy.ts";
import type { OfficeScope } from "../domain/offices.ts";
import { MANAGERS, type Command, type Services } from "./types.ts";

export interface IssueRequest {
  kind: OrderKind;
  schools: string;
  due: string;
  text: string;
  /** the issuing manager's office scope: a school outside it is refused by name */
  scope?: OfficeScope;
}

export type IssueCheck =
  | { ok: true; kind: OrderKind; schoolCodes: string[]; names: Map<string, string>; dueDate: string; text: string; duplicates: boolean }
  | { ok: false; message: string };

/** Validates what a manager typed (command or form): every problem is answered, nothing is written. */
export async function checkIssue(services: Services, t: Messages, request: IssueRequest): Promise<IssueCheck> {
  const problems: string[] = [];
  const text = request.text.trim();
  if (!text) problems.push(t.orders.emptyText);
  else if (text.length > MAX_ORDER_TEXT) problems.push(t.orders.textTooLong(text.length, MAX_ORDER_TEXT));

  const today = localDate(services.nowMs, services.config.TIMEZONE);
  const dueInput = datePart(request.due.trim());
  const due = checkDueDate(parseDate(dueInput, services.nowMs, services.config.TIMEZONE), today);
  if (!due.ok) {
    const parsed = parseDate(dueInput, services.nowMs, services.config.TIMEZONE) ?? dueInput;
    problems.push(due.reason === "past" ? t.orders.duePast(parsed) : due.reason === "too_far" ? t.orders.dueTooFar(parsed) : t.orders.badDue(dueInput));
  }

  const schoolCodes: string[] = [];
  const names = new Map<string, string>();
  let duplicates = false;
  const named = splitSchoolList(request.schools).length;
  if (named === 0) problems.push(t.orders.noSchools);
  else if (named > MAX_SCHOOLS_PER_ISSUE) problems.push(t.orders.tooManySchools(named, MAX_SCHOOLS_PER_ISSUE));
  else {
    for (const match of matchSchools(request.schools, await schoolRefs(services.db))) {
      if (match.kind === "unknown") problems.push(t.orders.unknownSchool(match.input));
      else if (match.kind === "ambiguous")
        problems.push(t.orders.ambiguousSchool(match.input, match.candidates.map((s) => `${s.name}（${s.code}）`).join(t.common.and)));
      else if (names.has(match.school.code)) duplicates = true;
      else {
        schoolCodes.push(match.school.code);
        names.set(match.school.code, match.school.name);
      }
    }
  }
  if (request.scope && request.scope.districts !== null && schoolCodes.length > 0) {
    const outside = await schoolsBeyondReach(services, request.scope, schoolCodes);
    if (outside.length > 0) problems.push(t.offices.outOfScope(outside.map((code) => `${names.get(code) ?? code}（${code}）`).join(t.common.and)));
  }
  if (problems.length > 0 || !due.ok) return { ok: false, message: problems.join("\n") };
  return { ok: true, kind: request.kind, schoolCodes, names, dueDate: due.due, text, duplicates };
}

/** Issues a checked request on the caller's unit of work and returns the answer card. */
export async function issueChecked(services: Services, t: Messages, issuedByCode: string, check: Extract<IssueCheck, { ok: true }>): Promise<Card> {
  const issued = await issueOrders(services, { kind: check.kind, schoolCodes: check.schoolCodes, dueDate: check.dueDate, text: check.text, issuedByCode });
  return issuedCard(
    t,
    check.kind,
    check.dueDate,
    issued.map((r) => ({ ...r, schoolName: check.names.get(r.schoolCode) ?? r.schoolCode })),
    check.duplicates ? t.orders.duplicateSchools : undefined,
  );
}

/** `<schools> <due> <text>`: the schools run up to the first word that reads as a date (so "SCH001, SCH002" may hold spaces). */
export function splitIssueArgs(argv: readonly string[], nowMs: number, timeZone: string): { schools: string; due: string; text: string } | null {
  for (let i = 1; i < argv.length; i++) {
    if (parseDate(argv[i]!, nowMs, timeZone)) return { schools: argv.slice(0, i).join(" "), due: argv[i]!, text: argv.slice(i + 1).join(" ") };
  }
  if (argv.length >= 2) return { schools: argv[0]!, due: argv[1]!, text: argv.slice(2).join(" ") };
  return null;
}

const showsOrder = (argv: readonly string[]) => argv.length > 0 && argv.length <= 3 && looksLikeOrderNumber(argv.join(""));

function issueCommand(kind: OrderKind, name: string, aliases: readonly string[]): Command {
  return {
    name,
    aliases,
    policy: { acts: "school", roles: MANAGERS, reach: "scope" },
    help: (t) => t.orders.issueLines[kind],
    private: (argv) => kind === "order" && showsOrder(argv),
    async run(ctx) {
      const { t } = ctx;
      if (ctx.argv.length === 0) {
        ctx.reply(issueFormCard(t, kind));
        return;
      }
      if (kind === "order" && showsOrder(ctx.argv)) {
        await showOrder(ctx, ctx.argv);
        return;
      }
      const parts = splitIssueArgs(ctx.argv, ctx.nowMs, ctx.config.TIMEZONE);
      if (!parts) {
        ctx.reply(textContent(t.orders.usage(aliases[0] ?? name)));
        return;
      }
      const check = await checkIssue(ctx, t, { kind, ...parts, scope: ctx.actor.scope });
      if (!check.ok) {
        ctx.reply(textContent(`${check.message}\n${t.orders.usage(aliases[0] ?? name)}`));
        return;
      }
      ctx.reply(await issueChecked(ctx, t, ctx.actor.code, check));
    },
  };
}

export const orderIssue = issueCommand("order", "order", ["督办"]);
export const noticeIssue = issueCommand("notice", "notice", ["督导通知"]);
export const bulletinIssue = issueCommand("bulletin", "bulletin", ["通报", "督导通报"]);
export const rectifyIssue = issueCommand("rectification", "rectify", ["整改", "整改通知"]);
