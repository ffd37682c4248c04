/** The school calendar's periods: adding (one JSON batch, duplicates skipped), finding and removing them. */
import { and, eq } from "drizzle-orm";
import type { CalendarPeriod } from "../domain/calendar.ts";
import { chunkForJson, openDb } from "./client.ts";
import { calendarPeriods } from "./schema.ts";

/** A json_each fan-out: drizzle has no insert-from-JSON, and one statement per chunk keeps an import to a few statements. */
export const INSERT_PERIODS_SQL = `INSERT INTO calendar_periods (kind, name, start_date, end_date, created_by, created_at)
SELECT json_extract(value, '$.kind'), json_extract(value, '$.name'), json_extract(value, '$.startDate'), json_extract(value, '$.endDate'), ?1, ?2
FROM json_each(?3) WHERE true
ON CONFLICT(kind, start_date, end_date) DO NOTHING`;

/** The statements that store periods (used by `calendar`, by the calendar file import and by scripts/tests that load calendar.csv). */
export function insertPeriods(d1: D1Database, periods: readonly CalendarPeriod[], by: string, nowMs: number): D1PreparedStatement[] {
  return chunkForJson(periods.map(({ kind, name, startDate, endDate }) => ({ kind, name, startDate, endDate }))).map((chunk) =>
    d1.prepare(INSERT_PERIODS_SQL).bind(by, nowMs, JSON.stringify(chunk)),
  );
}

/** Whether a period of this kind and these dates is stored already. */
export async function periodExists(d1: D1Database, period: Pick<CalendarPeriod, "kind" | "startDate" | "endDate">): Promise<boolean> {
  const row = await openDb(d1)
    .select({ id: calendarPeriods.id })
    .from(calendarPeriods)
    .where(and(eq(calendarPeriods.kind, period.kind), eq(calendarPeriods.startDate, period.startDate), eq(calendarPeriods.endDate, period.endDate)))
    .get();
  return Boolean(row);
}

/** Whether the period with this id exists. */
export async function periodIdExists(d1: D1Database, id: number): Promise<boolean> {
  const row = await openDb(d1).select({ id: calendarPeriods.id }).from(calendarPeriods).where(eq(calendarPeriods.id, id)).get();
  return Boolean(row);
}

/** The statement that removes one period (for a unit of work). */
export function deletePeriod(d1: D1Database, id: number) {
  return openDb(d1).delete(calendarPeriods).where(eq(calendarPeriods.id, id));
}
