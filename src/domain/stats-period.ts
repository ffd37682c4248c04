/**
 * The period of the office's figures (`stats`): how a period argument is read, and which ISO weeks,
 * months and instants a year, a term, a month or a date range covers (see stats.ts for the rules).
 */
import { SchoolCalendar, type CalendarPeriod } from "./calendar.ts";
import { ESCALATION_DAYS } from "./orders.ts";
import { addDays, isoWeekOf, isValidDate, localDate, localMidnightMs, weekStart, type IsoDate, type IsoWeek } from "./time.ts";

export const MAX_PERIOD_DAYS = 366;

// ---------------------------------------------------------------- the period

export type Season = "spring" | "autumn";
export type PeriodSpec =
  | { kind: "year"; year: number }
  | { kind: "term"; year: number; season: Season }
  | { kind: "month"; month: string }
  | { kind: "range"; from: IsoDate; to: IsoDate }
  | { kind: "current_term" };

const SEASONS: Record<string, Season> = { 秋: "autumn", 秋季: "autumn", 秋季学期: "autumn", autumn: "autumn", fall: "autumn", 春: "spring", 春季: "spring", 春季学期: "spring", spring: "spring" };

/** Reads one period argument: `2026`, `2026秋` / `2026-autumn`, `2026-11`, or `2026-09-01~2026-12-31` (also 至, ..). */
export function parsePeriodArg(text: string): PeriodSpec | null {
  const arg = text.trim().toLowerCase();
  if (/^\d{4}年?$/.test(arg)) return { kind: "year", year: Number(arg.slice(0, 4)) };
  const term = /^(\d{4})[-\s]?(.+)$/.exec(arg);
  if (term && SEASONS[term[2]!]) return { kind: "term", year: Number(term[1]), season: SEASONS[term[2]!]! };
  const month = /^(\d{4})-(\d{1,2})$/.exec(arg) ?? /^(\d{4})年(\d{1,2})月$/.exec(arg);
  if (month && Number(month[2]) >= 1 && Number(month[2]) <= 12) return { kind: "month", month: `${month[1]}-${month[2]!.padStart(2, "0")}` };
  const range = /^(\d{4}-\d{2}-\d{2})(?:~|～|至|到|\.\.|—|_)(\d{4}-\d{2}-\d{2})$/.exec(arg);
  if (range) return { kind: "range", from: range[1]!, to: range[2]! };
  return null;
}

/** A calendar term's season: one that starts in July or later is the autumn term of its year. */
export const seasonOf = (term: CalendarPeriod): Season => (Number(term.startDate.slice(5, 7)) >= 7 ? "autumn" : "spring");

export interface StatsPeriod {
  spec: PeriodSpec;
  /** the period as named (a term's own dates) */
  from: IsoDate;
  to: IsoDate;
  /** the calendar term's name, for terms */
  termName: string | null;
  /** the ISO weeks counted, oldest first, and each week's Sunday */
  weeks: IsoWeek[];
  sundays: Record<IsoWeek, IsoDate>;
  /** the current week when it is one of the period's weeks (its planned visits are pending) */
  currentWeek: IsoWeek;
  /** first Monday 00:00 and the end: the Monday after the last week, or now if earlier (office time zone) */
  startMs: number;
  endMs: number;
  /** the date "overdue" is measured at: the end's date */
  asOf: IsoDate;
  escalationCutoff: IsoDate;
  /** true while the period is still running */
  ongoing: boolean;
  /** months with a school day in the period so far, each with the dates of it that count */
  months: { month: string; from: IsoDate; to: IsoDate }[];
}

export type PeriodError = { error: "bad_date" } | { error: "reversed" } | { error: "too_long" } | { error: "no_term"; spec: PeriodSpec } | { error: "not_started"; from: IsoDate };

const lastDayOfMonth = (month: string): IsoDate => addDays(`${addDays(`${month}-01`, 31).slice(0, 7)}-01`, -1);

/** The dates a period names; a term comes from the calendar. */
function periodDates(spec: PeriodSpec, calendar: readonly CalendarPeriod[], today: IsoDate): { from: IsoDate; to: IsoDate; termName: string | null } | null {
  if (spec.kind === "year") return { from: `${spec.year}-01-01`, to: `${spec.year}-12-31`, termName: null };
  if (spec.kind === "month") return { from: `${spec.month}-01`, to: lastDayOfMonth(spec.month), termName: null };
  if (spec.kind === "range") return { from: spec.from, to: spec.to, termName: null };
  const terms = calendar.filter((p) => p.kind === "term").sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
  const term =
    spec.kind === "term"
      ? terms.find((p) => Number(p.startDate.slice(0, 4)) === spec.year && seasonOf(p) === spec.season)
      : (terms.find((p) => p.startDate <= today && today <= p.endDate) ?? terms.filter((p) => p.startDate <= today).at(-1));
  if (term) return { from: term.startDate, to: term.endDate, termName: term.name };
  // No term in the calendar: "the current term" falls back to the current school half-year.
  if (spec.kind === "current_term") {
    const year = today.slice(0, 4);
    return Number(today.slice(5, 7)) >= 8 ? { from: `${year}-08-01`, to: `${Number(year) + 1}-01-31`, termName: null } : { from: `${year}-02-01`, to: `${year}-07-31`, termName: null };
  }
  return null;
}

export function statsPeriod(spec: PeriodSpec, calendar: readonly CalendarPeriod[], nowMs: number, timeZone: string): StatsPeriod | PeriodError {
  const today = localDate(nowMs, timeZone);
  const dates = periodDates(spec, calendar, today);
  if (!dates) return { error: "no_term", spec };
  const { from, to, termName } = dates;
  if (!isValidDate(from) || !isValidDate(to)) return { error: "bad_date" };
  if (from > to) return { error: "reversed" };
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_PERIOD_DAYS) return { error: "too_long" };
  const currentWeek = isoWeekOf(today);
  const weeks: IsoWeek[] = [];
  const sundays: Record<IsoWeek, IsoDate> = {};
  // the Thursday of each week from the one of `from`'s week on
  let thursday = addDays(weekStart(isoWeekOf(from)), 3);
  if (thursday < from) thursday = addDays(thursday, 7);
  for (; thursday <= to; thursday = addDays(thursday, 7)) {
    const week = isoWeekOf(thursday);
    if (week > currentWeek) break;
    weeks.push(week);
    sundays[week] = addDays(thursday, 3);
  }
  if (weeks.length === 0) return { error: "not_started", from };
  const startMs = localMidnightMs(weekStart(weeks[0]!), timeZone);
  const weeksEndMs = localMidnightMs(addDays(weekStart(weeks.at(-1)!), 7), timeZone);
  const endMs = Math.min(nowMs, weeksEndMs);
  const asOf = endMs === weeksEndMs ? addDays(weekStart(weeks.at(-1)!), 7) : today;

  const school = new SchoolCalendar(calendar);
  const until = to < today ? to : today;
  const months: StatsPeriod["months"] = [];
  for (let first = `${from.slice(0, 7)}-01`; first <= until; first = `${addDays(first, 31).slice(0, 7)}-01`) {
    const start = first < from ? from : first;
    const last = lastDayOfMonth(first.slice(0, 7));
    const end = last < until ? last : until;
    let schoolDay = false;
    for (let day = start; day <= end && !schoolDay; day = addDays(day, 1)) schoolDay = school.isSchoolDay(day);
    if (schoolDay) months.push({ month: first.slice(0, 7), from: start, to: end });
  }
  return {
    spec,
    from,
    to,
    termName,
    weeks,
    sundays,
    currentWeek,
    startMs,
    endMs,
    asOf,
    escalationCutoff: addDays(asOf, -ESCALATION_DAYS),
    ongoing: weeksEndMs > nowMs || to > today,
    months,
  };
}
