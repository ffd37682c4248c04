/** Issuing orders (command or form): what a manager typed checked and answered in their language, the orders issued with the answer card. */
import type { OrderKind } from "../domain/orders.ts";
import type { Card } from "../feishu/cards/kit.ts";
import { issuedCard } from "../feishu/cards/order-card.ts";
import type { Messages } from "../i18n/index.ts";
import { validateIssue, type IssueProblem, type IssueRequest } from "./orders-issue.ts";
import { issueOrders } from "./orders.ts";
import type { Services } from "./services.ts";

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
