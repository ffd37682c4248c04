/** The school calendar (`calendar`): list, add one period, remove one, import many. Writes go on `services.uow`. */
import { deletePeriod, insertPeriods, periodExists, periodIdExists } from "../db/calendar.ts";
import { loadCalendar } from "../db/planning.ts";
import type { CalendarPeriod } from "../domain/calendar.ts";
import type { Services } from "./services.ts";

/** Every stored period, oldest first. */
export async function listCalendar(services: Pick<Services, "d1">): Promise<CalendarPeriod[]> {
  return loadCalendar(services.d1);
}

export type AddPeriodResult = { ok: true; period: CalendarPeriod } | { ok: false; reason: "duplicate" };

/** Adds a checked period unless one of the same kind and dates exists. */
export async function addPeriod(services: Services, actorCode: string, period: CalendarPeriod): Promise<AddPeriodResult> {
  if (await periodExists(services.d1, period)) return { ok: false, reason: "duplicate" };
  services.uow.write(...insertPeriods(services.d1, [period], actorCode, services.nowMs));
  return { ok: true, period };
}

export type RemovePeriodResult = { ok: true; id: number } | { ok: false; reason: "not-found" };

/** Removes the period with this id, if there is one. */
export async function removePeriod(services: Services, id: number): Promise<RemovePeriodResult> {
  if (!(await periodIdExists(services.d1, id))) return { ok: false, reason: "not-found" };
  services.uow.write(deletePeriod(services.d1, id));
  return { ok: true, id };
}

/** Stores checked periods (those already stored are skipped); returns how many were given. */
export function importPeriods(services: Services, actorCode: string, periods: readonly CalendarPeriod[]): { ok: true; count: number } {
  services.uow.write(...insertPeriods(services.d1, periods, actorCode, services.nowMs));
  return { ok: true, count: periods.length };
}
