/** Checking what a manager asked to issue (command or form): every problem found, nothing written. */
import { schoolRefs } from "../db/people.ts";
import type { OrderKind } from "../db/schema.ts";
import type { OfficeScope } from "../domain/offices.ts";
import { checkDueDate, datePart, MAX_ORDER_TEXT, MAX_SCHOOLS_PER_ISSUE } from "../domain/orders.ts";
import { matchSchools, splitSchoolList } from "../domain/school-match.ts";
import { localDate, parseDate } from "../domain/time.ts";
import { schoolsBeyondReach } from "./policy.ts";
import type { Services } from "./services.ts";

export interface IssueRequest {
  kind: OrderKind;
  schools: string;
  due: string;
  text: string;
  /** the issuing manager's office scope: a school outside it is refused by name */
  scope?: OfficeScope;
}

export type IssueProblem =
  | { kind: "empty-text" | "no-schools" }
  | { kind: "text-too-long"; length: number; max: number }
  | { kind: "due-past" | "due-too-far"; date: string }
  | { kind: "bad-due"; input: string }
  | { kind: "too-many-schools"; count: number; max: number }
  | { kind: "unknown-school"; input: string }
  | { kind: "ambiguous-school"; input: string; candidates: { code: string; name: string }[] }
  | { kind: "out-of-scope"; schools: { code: string; name: string }[] };

export type IssueValidation =
  | { ok: true; kind: OrderKind; schoolCodes: string[]; names: Map<string, string>; dueDate: string; text: string; duplicates: boolean }
  | { ok: false; problems: IssueProblem[] };

/** The problems of a request, in the order they are answered; or the request made ready to issue. */
export async function validateIssue(services: Pick<Services, "d1" | "db" | "nowMs" | "config">, request: IssueRequest): Promise<IssueValidation> {
  const problems: IssueProblem[] = [];
  const text = request.text.trim();
  if (!text) problems.push({ kind: "empty-text" });
  else if (text.length > MAX_ORDER_TEXT) problems.push({ kind: "text-too-long", length: text.length, max: MAX_ORDER_TEXT });

  const tz = services.config.TIMEZONE;
  const today = localDate(services.nowMs, tz);
  const dueInput = datePart(request.due.trim());
  const due = checkDueDate(parseDate(dueInput, services.nowMs, tz), today);
  if (!due.ok) {
    const parsed = parseDate(dueInput, services.nowMs, tz) ?? dueInput;
    problems.push(due.reason === "past" ? { kind: "due-past", date: parsed } : due.reason === "too_far" ? { kind: "due-too-far", date: parsed } : { kind: "bad-due", input: dueInput });
  }

  const schoolCodes: string[] = [];
  const names = new Map<string, string>();
  let duplicates = false;
  const named = splitSchoolList(request.schools).length;
  if (named === 0) problems.push({ kind: "no-schools" });
  else if (named > MAX_SCHOOLS_PER_ISSUE) problems.push({ kind: "too-many-schools", count: named, max: MAX_SCHOOLS_PER_ISSUE });
  else {
    for (const match of matchSchools(request.schools, await schoolRefs(services.db))) {
      if (match.kind === "unknown") problems.push({ kind: "unknown-school", input: match.input });
      else if (match.kind === "ambiguous") problems.push({ kind: "ambiguous-school", input: match.input, candidates: match.candidates });
      else if (names.has(match.school.code)) duplicates = true;
      else {
        schoolCodes.push(match.school.code);
        names.set(match.school.code, match.school.name);
      }
    }
  }
  if (request.scope && request.scope.districts !== null && schoolCodes.length > 0) {
    const outside = await schoolsBeyondReach(services, request.scope, schoolCodes);
    if (outside.length > 0) problems.push({ kind: "out-of-scope", schools: outside.map((code) => ({ code, name: names.get(code) ?? code })) });
  }
  if (problems.length > 0 || !due.ok) return { ok: false, problems };
  return { ok: true, kind: request.kind, schoolCodes, names, dueDate: due.due, text, duplicates };
}
