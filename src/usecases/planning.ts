/** Planning, read: one supervisor's week (`week`). */
import { activePersonByCode, isManager, schoolsOfSupervisor, type Actor } from "../db/people.ts";
import { loadCalendar, planRun } from "../db/planning.ts";
import { visitsOfSupervisorWeek, type WeekVisit } from "../db/week.ts";
import { SchoolCalendar } from "../domain/calendar.ts";
import { currentWeek, parseWeek, type IsoDate, type IsoWeek } from "../domain/time.ts";
import { zoneLevels } from "../db/offices.ts";
import { mayActOn } from "../domain/policy.ts";
// the plan's preparing and sending are still the weekly job's (w24c moves them); imported from there until then
import { preparePlan, sendPlan, type PreparedPlan, type SendOutcome } from "./weekly-plan.ts";
import { mayActOnPerson } from "./policy.ts";
import type { Services } from "./services.ts";

export type WeekResult =
  | { ok: true; own: boolean; name: string; week: IsoWeek; schoolDays: IsoDate[]; visits: WeekVisit[] }
  /** a manager named no one */
  | { ok: false; reason: "usage" }
  | { ok: false; reason: "unknown-person"; text: string }
  | { ok: false; reason: "not-supervisor" | "out-of-scope"; personCode: string }
  /** nothing this week, and why: no schools (`own`: the asker's), no school days, not planned yet, or planned with none */
  | { ok: false; reason: "no-schools"; own: boolean; personCode: string }
  | { ok: false; reason: "no-school-days" | "not-planned" | "none" };

/** This week's visits of the asker (a supervisor) or of the supervisor a manager names (`other`). */
export async function weekOf(services: Services, actor: Actor, other: string | undefined): Promise<WeekResult> {
  let code = actor.code;
  let name = actor.name;
  if (other && isManager(actor)) {
    const person = await activePersonByCode(services.db, other);
    if (!person) return { ok: false, reason: "unknown-person", text: other };
    if (person.role !== "supervisor") return { ok: false, reason: "not-supervisor", personCode: person.code };
    if (!(await mayActOnPerson(services, actor, person.code))) return { ok: false, reason: "out-of-scope", personCode: person.code };
    code = person.code;
    name = person.name;
  } else if (isManager(actor)) {
    return { ok: false, reason: "usage" };
  }
  const thisWeek = currentWeek(services.nowMs, services.config.TIMEZONE);
  const visits = await visitsOfSupervisorWeek(services.db, thisWeek, code);
  const calendar = new SchoolCalendar(await loadCalendar(services.d1));
  const schoolDays = calendar.schoolDaysOfWeek(thisWeek);
  const own = code === actor.code;
  if (visits.length === 0) {
    const mine = await schoolsOfSupervisor(services.db, code);
    if (mine.length === 0) return { ok: false, reason: "no-schools", own, personCode: code };
    if (schoolDays.length === 0) return { ok: false, reason: "no-school-days" };
    const run = await planRun(services.d1, thisWeek);
    return { ok: false, reason: run ? "none" : "not-planned" };
  }
  return { ok: true, own, name, week: thisWeek, schoolDays, visits };
}

/** The week a bare `plan` means: this week until its plan is sent, then next week. */
export async function defaultPlanWeek(services: Pick<Services, "d1" | "nowMs" | "config">): Promise<IsoWeek> {
  const week = currentWeek(services.nowMs, services.config.TIMEZONE);
  const run = await planRun(services.d1, week);
  return run?.sentAt ? parseWeek("next", services.nowMs, services.config.TIMEZONE)! : week;
}

export type WeekPlanResult =
  | { ok: true; sent: false; prepared: PreparedPlan; zone: string | null; inScope: (zone: string) => boolean }
  | { ok: true; sent: true; week: IsoWeek; outcome: SendOutcome }
  | { ok: false; reason: "past-week" | "no-school-days"; week: IsoWeek }
  | { ok: false; reason: "unknown-zone"; zone: string }
  | { ok: false; reason: "zone-out-of-scope"; zone: string };

/**
 * `plan`: the week's plan (the default week when null) as a preview for `actor`'s zones (or the one zone named), or,
 * with `send`, stored and its cards queued (the policy lets only the top office send, before this runs).
 */
export async function weekPlan(services: Services, actor: Actor, input: { send: boolean; week: IsoWeek | null; zone: string | null }): Promise<WeekPlanResult> {
  const thisWeek = currentWeek(services.nowMs, services.config.TIMEZONE);
  const levels = actor.scope.districts === null ? null : await zoneLevels(services.d1);
  const inScope = (code: string) => !levels || (levels.has(code) && mayActOn(actor, { zone: levels.get(code)! }));
  const week = input.week ?? (await defaultPlanWeek(services));
  if (week < thisWeek) return { ok: false, reason: "past-week", week };
  const prepared = await preparePlan(services, week);
  if (prepared.plan.schoolDays.length === 0) return { ok: false, reason: "no-school-days", week };
  let zone = input.zone;
  if (zone) {
    const known = [...prepared.data.zones.keys()].find((code) => code.toLowerCase() === zone!.toLowerCase());
    if (!known) return { ok: false, reason: "unknown-zone", zone };
    zone = known;
    if (!inScope(known)) return { ok: false, reason: "zone-out-of-scope", zone: known };
  }
  if (!input.send) return { ok: true, sent: false, prepared, zone, inScope };
  return { ok: true, sent: true, week, outcome: await sendPlan(services, prepared) };
}
