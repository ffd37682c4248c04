/**
 * Scenario dates for tests that mix fixed calendars with the Worker's real clock.
 *
 * A test that plays out, say, "December 2026 and January 2027" breaks on the day the real clock
 * enters those weeks (`本周`, "in the past" refusals and due dates read the request's time).
 * `scenarioYear(2026)` gives the first year after the real current one whose calendar is the same as
 * 2026's (same weekday on 1 January, same leap-ness), so a scenario written for 2026 keeps its ISO
 * weeks, weekdays and month boundaries and always lies in the future.
 */

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function sameCalendar(a: number, b: number): boolean {
  return new Date(Date.UTC(a, 0, 1)).getUTCDay() === new Date(Date.UTC(b, 0, 1)).getUTCDay() && isLeap(a) === isLeap(b);
}

/** The first year after the current one (in Asia/Shanghai, now = `nowMs`) with the calendar of `templateYear`. */
export function scenarioYear(templateYear: number, nowMs = Date.now()): number {
  const currentYear = new Date(nowMs + 8 * 3_600_000).getUTCFullYear();
  for (let year = currentYear + 1; ; year++) if (sameCalendar(year, templateYear)) return year;
}

/**
 * Rewrites the years of a scenario written for `templateYear` (and the year after it) into
 * `scenarioYear(templateYear)`: "2026-12-14" → "2037-12-14", "2027-W01" → "2038-W01".
 */
export function scenarioDates(templateYear: number, nowMs = Date.now()): { year: number; shift: (text: string) => string } {
  const year = scenarioYear(templateYear, nowMs);
  const offset = year - templateYear;
  const pattern = new RegExp(`\\b(${templateYear}|${templateYear + 1})(?=[-年W])`, "g");
  return { year, shift: (text) => text.replace(pattern, (y) => String(Number(y) + offset)) };
}
