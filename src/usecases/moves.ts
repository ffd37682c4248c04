/**
 * Moving a school's next planned visit (`move`): a supervisor moves only visits assigned to them (their own schools,
 * or a colleague's they took over); a manager moves anyone's within reach. Refusals queue nothing.
 */
import { moveFacts, moveStatements } from "../db/moves.ts";
import { isManager, schoolRefs, type Actor } from "../db/people.ts";
import { loadCalendar, planRun } from "../db/planning.ts";
import { SchoolCalendar } from "../domain/calendar.ts";
import { matchSchool } from "../domain/school-match.ts";
import { currentWeek, parseWeek } from "../domain/time.ts";
import { mayActOnSchool } from "./policy.ts";
import type { Services } from "./services.ts";

export interface MoveRequest {
  schoolText: string;
  weekText: string;
  /** already checked by the handler (present, not too long) */
  reason: string;
}

type School = { code: string; name: string };

export type MoveResult =
  | { ok: true; school: School; from: string; to: string; planSent: boolean }
  | { ok: false; reason: "unknown-school"; text: string }
  | { ok: false; reason: "ambiguous-school"; text: string; candidates: School[] }
  | { ok: false; reason: "out-of-scope"; school: School }
  | { ok: false; reason: "bad-week"; text: string }
  | { ok: false; reason: "past-week" | "no-school-days"; week: string }
  | { ok: false; reason: "not-your-school" | "nothing-to-move"; school: School }
  | { ok: false; reason: "same-week" }
  | { ok: false; reason: "target-taken"; school: School; week: string };

/** Checks and queues the move on `services.uow`; `planSent` says the target week's cards went out already. */
export async function moveVisit(services: Services, actor: Actor, request: MoveRequest): Promise<MoveResult> {
  const match = matchSchool(request.schoolText, await schoolRefs(services.db));
  if (match.kind === "unknown") return { ok: false, reason: "unknown-school", text: request.schoolText };
  if (match.kind === "ambiguous") return { ok: false, reason: "ambiguous-school", text: request.schoolText, candidates: match.candidates };
  const school = match.school;
  const visitor = isManager(actor) ? null : actor.code;
  if (!visitor && !(await mayActOnSchool(services, actor, school.code))) return { ok: false, reason: "out-of-scope", school };
  const tz = services.config.TIMEZONE;
  const thisWeek = currentWeek(services.nowMs, tz);
  const target = parseWeek(request.weekText, services.nowMs, tz);
  if (!target) return { ok: false, reason: "bad-week", text: request.weekText };
  if (target < thisWeek) return { ok: false, reason: "past-week", week: target };
  const calendar = new SchoolCalendar(await loadCalendar(services.d1));
  if (calendar.schoolDaysOfWeek(target).length === 0) return { ok: false, reason: "no-school-days", week: target };
  const facts = await moveFacts(services.db, school.code, thisWeek, target, visitor);
  const source = facts.source;
  if (!source) return { ok: false, reason: visitor && facts.ownerCode !== visitor ? "not-your-school" : "nothing-to-move", school };
  if (source.week === target) return { ok: false, reason: "same-week" };
  if (facts.targetTaken) return { ok: false, reason: "target-taken", school, week: target };
  services.uow.write(...moveStatements(services.d1, services.db, source, school.code, target, request.reason, services.nowMs));
  const run = await planRun(services.d1, target);
  return { ok: true, school, from: source.week, to: target, planSent: Boolean(run?.sentAt) };
}
