/**
 * What `report <school>` opens: the planned visit of that school this week if the sender has one open, else an
 * extra (unplanned) visit with the week's or the month's special topic. Only a school the sender may act on.
 */
import { isManager, schoolRefs, type Actor } from "../db/people.ts";
import { readSetting, readSpecialTopics } from "../db/planning.ts";
import { loadAssignment, openAssignmentAt, topicOfWeek, type AssignmentRecord } from "../db/reports.ts";
import { monthOf } from "../domain/calendar.ts";
import { topicOfMonth } from "../domain/planner.ts";
import { matchSchool } from "../domain/school-match.ts";
import { currentWeek, localDate } from "../domain/time.ts";
import { mayActOnSchool } from "./policy.ts";
import type { Services } from "./services.ts";

type School = { code: string; name: string };

export type VisitFormResult =
  | { ok: true; kind: "planned"; school: School; assignment: AssignmentRecord }
  | { ok: true; kind: "extra"; school: School; topic: string | null }
  | { ok: false; reason: "unknown-school"; text: string }
  | { ok: false; reason: "ambiguous-school"; text: string; candidates: School[] }
  /** `manager`: refused by the office scope, else not the supervisor's school */
  | { ok: false; reason: "out-of-scope"; school: School; manager: boolean };

export async function visitFormFor(services: Services, actor: Actor, schoolText: string): Promise<VisitFormResult> {
  const match = matchSchool(schoolText, await schoolRefs(services.db));
  if (match.kind === "unknown") return { ok: false, reason: "unknown-school", text: schoolText };
  if (match.kind === "ambiguous") return { ok: false, reason: "ambiguous-school", text: schoolText, candidates: match.candidates };
  const school = match.school;
  // the one policy: a supervisor's own school, a manager's school within their office's scope
  if (!(await mayActOnSchool(services, actor, school.code))) return { ok: false, reason: "out-of-scope", school, manager: isManager(actor) };
  const week = currentWeek(services.nowMs, services.config.TIMEZONE);
  const plannedId = await openAssignmentAt(services.d1, week, actor.code, school.code);
  const planned = plannedId ? await loadAssignment(services.d1, plannedId) : null;
  if (planned) return { ok: true, kind: "planned", school, assignment: planned };
  const month = monthOf(localDate(services.nowMs, services.config.TIMEZONE));
  const topic = (await topicOfWeek(services.d1, week)) ?? topicOfMonth(readSpecialTopics(await readSetting(services.d1, "special_topics")), month);
  return { ok: true, kind: "extra", school, topic };
}
