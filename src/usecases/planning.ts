/** Planning, read: one supervisor's week (`week`). */
import { activePersonByCode, isManager, schoolsOfSupervisor, type Actor } from "../db/people.ts";
import { loadCalendar, planRun } from "../db/planning.ts";
import { visitsOfSupervisorWeek, type WeekVisit } from "../db/week.ts";
import { SchoolCalendar } from "../domain/calendar.ts";
import { currentWeek, type IsoDate, type IsoWeek } from "../domain/time.ts";
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
