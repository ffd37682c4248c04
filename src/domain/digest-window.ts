/** The weekly digest's week and month: the dates and instants a digest of ISO week W counts (see digest.ts). */
import { SchoolCalendar, type CalendarPeriod } from "./calendar.ts";
import { addDays, isoWeekOf, localMidnightMs, weekday, weekStart, type IsoWeek, type IsoDate } from "./time.ts";

export interface DigestWindow {
  week: IsoWeek;
  monday: IsoDate;
  sunday: IsoDate;
  /** the Monday after the week: the date "overdue" is measured at */
  asOf: IsoDate;
  /** epoch ms of the week's Monday 00:00 and of the next Monday 00:00 in the office time zone */
  startMs: number;
  endMs: number;
  monthStart: IsoDate;
  /** the end of "this month so far": W's Sunday, or the month's last day if earlier */
  monthTo: IsoDate;
  /** the month's first ISO week (the week of its first Thursday) */
  monthFirstWeek: IsoWeek;
  /** an open order due before this date is more than ESCALATION_DAYS overdue at `asOf` */
  escalationCutoff: IsoDate;
}

export function digestWindow(week: IsoWeek, timeZone: string, escalationDays: number): DigestWindow {
  const monday = weekStart(week);
  const sunday = addDays(monday, 6);
  const asOf = addDays(monday, 7);
  const monthStart = `${addDays(monday, 3).slice(0, 7)}-01`;
  const monthEnd = addDays(`${addDays(monthStart, 31).slice(0, 7)}-01`, -1);
  const firstThursday = addDays(monthStart, (4 - weekday(monthStart) + 7) % 7);
  return {
    week,
    monday,
    sunday,
    asOf,
    startMs: localMidnightMs(monday, timeZone),
    endMs: localMidnightMs(asOf, timeZone),
    monthStart,
    monthTo: sunday < monthEnd ? sunday : monthEnd,
    monthFirstWeek: isoWeekOf(firstThursday),
    escalationCutoff: addDays(asOf, -escalationDays),
  };
}

/** Has the month of the window had any school day so far? */
export function monthHasSchoolDays(window: DigestWindow, calendar: readonly CalendarPeriod[]): boolean {
  const school = new SchoolCalendar(calendar);
  for (let day = window.monthStart; day <= window.monthTo; day = addDays(day, 1)) if (school.isSchoolDay(day)) return true;
  return false;
}
