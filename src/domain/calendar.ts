import { addDays, daysBetween, isoWeekOf, isValidDate, weekDates, weekday, type IsoDate, type IsoWeek } from "./time.ts";

/**
 * The school calendar as data (table `calendar_periods`), and what a
 * "school day" is. Pure.
 *
 * A SCHOOL DAY is:
 *   - a day inside a `workday` period (调休 make-up working day, e.g. a Saturday): always a school day; otherwise
 *   - never a day inside a `holiday` or `break` period; otherwise
 *   - Monday–Friday inside a `term` period, or Monday–Friday on any day when NO term is configured at all
 *     (so a new office with no calendar still gets plans, while a configured break still stops them).
 *
 * A week's school days are its Monday–Sunday dates that are school days. A week
 * with none gets no visits. A school day counts for its OWN calendar month, so
 * a week across a month boundary serves both months (see planner.ts).
 */

export const CALENDAR_KINDS = ["term", "break", "holiday", "workday"] as const;
export type CalendarKind = (typeof CALENDAR_KINDS)[number];

export interface CalendarPeriod {
  id?: number;
  kind: CalendarKind;
  name: string;
  startDate: IsoDate;
  endDate: IsoDate;
}

export type IsoMonth = string;

export const monthOf = (date: IsoDate): IsoMonth => date.slice(0, 7);

const inside = (date: IsoDate, period: CalendarPeriod) => period.startDate <= date && date <= period.endDate;

/** Pre-indexes the periods by kind, for fast repeated questions. */
export class SchoolCalendar {
  readonly periods: readonly CalendarPeriod[];
  private readonly terms: CalendarPeriod[];
  private readonly off: CalendarPeriod[];
  private readonly workdays: CalendarPeriod[];
  private readonly cache = new Map<IsoWeek, IsoDate[]>();
  private readonly monthCache = new Map<IsoMonth, IsoWeek[]>();

  constructor(periods: readonly CalendarPeriod[]) {
    this.periods = periods;
    this.terms = periods.filter((p) => p.kind === "term");
    this.off = periods.filter((p) => p.kind === "break" || p.kind === "holiday");
    this.workdays = periods.filter((p) => p.kind === "workday");
  }

  isSchoolDay(date: IsoDate): boolean {
    if (this.workdays.some((p) => inside(date, p))) return true;
    if (this.off.some((p) => inside(date, p))) return false;
    if (weekday(date) > 5) return false;
    return this.terms.length === 0 || this.terms.some((p) => inside(date, p));
  }

  schoolDaysOfWeek(week: IsoWeek): IsoDate[] {
    let days = this.cache.get(week);
    if (!days) {
      days = weekDates(week).filter((date) => this.isSchoolDay(date));
      this.cache.set(week, days);
    }
    return days;
  }

  /** The months a week serves (months of its school days), oldest first. */
  monthsOfWeek(week: IsoWeek): IsoMonth[] {
    return [...new Set(this.schoolDaysOfWeek(week).map(monthOf))];
  }

  /** ISO weeks with at least one school day in `month`, in order. */
  schoolWeeksOfMonth(month: IsoMonth): IsoWeek[] {
    const cached = this.monthCache.get(month);
    if (cached) return cached;
    const weeks: IsoWeek[] = [];
    const first = `${month}-01`;
    const firstMonday = addDays(first, 1 - weekday(first));
    for (let monday = firstMonday; monthOf(monday) <= month; monday = addDays(monday, 7)) {
      const week = isoWeekOf(monday);
      if (this.schoolDaysOfWeek(week).some((date) => monthOf(date) === month)) weeks.push(week);
    }
    this.monthCache.set(month, weeks);
    return weeks;
  }
}

// ---------------------------------------------------------------- input parsing (commands and calendar.csv)

const KIND_ALIASES: Record<string, CalendarKind> = {
  term: "term",
  学期: "term",
  break: "break",
  假期: "break",
  寒假: "break",
  暑假: "break",
  holiday: "holiday",
  节假日: "holiday",
  假日: "holiday",
  节日: "holiday",
  workday: "workday",
  调休: "workday",
  补课: "workday",
  工作日: "workday",
};

export function parseKind(text: string): CalendarKind | null {
  return KIND_ALIASES[text.normalize("NFKC").trim().toLowerCase()] ?? null;
}

export const MAX_PERIOD_DAYS = 366;
export const MAX_NAME_LENGTH = 50;

export type PeriodError = "badKind" | "badDate" | "reversed" | "tooLong" | "nameTooLong";

/** Checks one period; dates must already be ISO (YYYY-MM-DD). */
export function checkPeriod(kind: string, start: string, end: string, name: string): { period: CalendarPeriod } | { error: PeriodError } {
  const parsedKind = parseKind(kind);
  if (!parsedKind) return { error: "badKind" };
  if (!isValidDate(start) || !isValidDate(end)) return { error: "badDate" };
  if (end < start) return { error: "reversed" };
  if (daysBetween(start, end) > MAX_PERIOD_DAYS) return { error: "tooLong" };
  if (name.length > MAX_NAME_LENGTH) return { error: "nameTooLong" };
  return { period: { kind: parsedKind, name: name.trim() || parsedKind, startDate: start, endDate: end } };
}

/**
 * calendar.csv: header `kind,name,start_date,end_date` (Chinese aliases 类型,名称,开始日期,结束日期), one period a
 * line. Any bad line rejects the whole file; errors name the line.
 */
export const MAX_CALENDAR_ROWS = 500;

export function parseCalendarCsv(text: string): { periods: CalendarPeriod[]; errors: { line: number; error: PeriodError | "badHeader" | "tooManyRows" }[] } {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n|;/).map((line) => line.trim());
  const periods: CalendarPeriod[] = [];
  const errors: { line: number; error: PeriodError | "badHeader" | "tooManyRows" }[] = [];
  // A school calendar has a few dozen periods; past this the file is not one (and is not checked line by line).
  if (lines.length - 1 > MAX_CALENDAR_ROWS) return { periods, errors: [{ line: MAX_CALENDAR_ROWS + 2, error: "tooManyRows" }] };
  const header = (lines[0] ?? "").split(",").map((cell) => cell.trim().toLowerCase());
  const alias: Record<string, string> = { 类型: "kind", 名称: "name", 开始日期: "start_date", 结束日期: "end_date", start: "start_date", end: "end_date" };
  const columns = header.map((cell) => alias[cell] ?? cell);
  const index = (name: string) => columns.indexOf(name);
  if (["kind", "start_date", "end_date"].some((name) => index(name) < 0)) return { periods, errors: [{ line: 1, error: "badHeader" }] };
  lines.slice(1).forEach((line, i) => {
    if (!line) return;
    const cells = line.split(",").map((cell) => cell.trim());
    const result = checkPeriod(cells[index("kind")] ?? "", cells[index("start_date")] ?? "", cells[index("end_date")] ?? "", index("name") >= 0 ? (cells[index("name")] ?? "") : "");
    if ("error" in result) errors.push({ line: i + 2, error: result.error });
    else periods.push(result.period);
  });
  return { periods: errors.length ? [] : periods, errors };
}
