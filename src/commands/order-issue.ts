/**
 * Issuing orders: `order`/`督办`, `notice`/`督导通知`, `bulletin`/`通报`, `rectify`/`整改`
 * `<schools> <due> <text>`. Without arguments: the issuing form. `order <number>` shows an order.
 */
import { issueOrders } from "../usecases/orders.ts";
import type { OrderKind } from "../db/schema.ts";
import { looksLikeOrderNumber } from "../domain/orders.ts";
import { parseDate } from "../domain/time.ts";
import { textContent, type Card } from "../feishu/cards/kit.ts";
import { issueFormCard, issuedCard } from "../feishu/cards/order-card.ts";
import type { Messages } from "../i18n/index.ts";
import { showOrder } from "./order-show.ts";
import { validateIssue, type IssueProblem, type IssueRequest } from "../usecases/orders-issue.ts";
import { MANAGERS, type Command, type Services } from "./types.ts";

export type { IssueRequest } from "../usecases/orders-issue.ts";

export type IssueCheck =
  | { ok: true; kind: OrderKind; schoolCodes: string[]; names: Map<string, string>; dueDate: string; text: string; duplicates: boolean }
  | { ok: false; message: string };

function problemText(t: Messages, problem: IssueProblem): string {
  switch (problem.kind) {
    case "empty-text":
      return t.orders.emptyText;
    case "text-too-long":
      return t.orders.textTooLong(problem.length, problem.max);
    case "due-past":
      return t.orders.duePast(problem.date);
    case "due-too-far":
      return t.orders.dueTooFar(problem.date);
    case "bad-due":
      return t.orders.badDue(problem.input);
    case "no-schools":
      return t.orders.noSchools;
    case "too-many-schools":
      return t.orders.tooManySchools(problem.count, problem.max);
    case "unknown-school":
      return t.orders.unknownSchool(problem.input);
    case "ambiguous-school":
      return t.orders.ambiguousSchool(problem.input, problem.candidates.map((s) => `${s.name}（${s.code}）`).join(t.common.and));
    case "out-of-scope":
      return t.offices.outOfScope(problem.schools.map((s) => `${s.name}（${s.code}）`).join(t.common.and));
  }
}

/** Validates what a manager typed (command or form, usecases/orders-issue.ts): every problem is answered, nothing is written. */
export async function checkIssue(services: Services, t: Messages, request: IssueRequest): Promise<IssueCheck> {
  const checked = await validateIssue(services, request);
  if (!checked.ok) return { ok: false, message: checked.problems.map((problem) => problemText(t, problem)).join("\n") };
  return checked;
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
