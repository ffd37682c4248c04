/**
 * The office's figures for a period (`stats`): a year, a term of the school calendar, a month or a
 * date range. Pure: plain rows in (aggregated by zone in SQL, see db/stats.ts), plain numbers out.
 *
 * A period is counted in whole ISO weeks, as the weekly digest counts: its weeks are those whose
 * Thursday lies in the period (the ISO rule, so each week belongs to one month and one year), up to
 * the current week. Within those weeks every figure has the digest's definition, so the figures of a
 * period are the sums of its weeks' digests:
 *  - visits planned / reported / missed / carried over: the weeks' assignments (digest.ts);
 *    a planned visit of the current, unfinished week is "pending", not missed;
 *  - problems: those recorded in the weeks, by item and severity;
 *  - documents issued / closed: issued / closed between the first week's Monday 00:00 and the end
 *    (the Monday after the last week, or now); open, overdue and escalated as of that end, with the
 *    orders module's rules (domain/orders.ts), like the digest of the last week.
 * Beyond the digest: "on time" = reported with a visit date within its week; visits by kind = the
 * reports of the weeks (planned or not); a school is "covered monthly" when it had a report in every
 * month of the period that had a school day (up to today); documents acknowledged / extended count the
 * documents issued in the period; closed on time = closed on or before its due date.
 */
import { SchoolCalendar, type CalendarPeriod } from "./calendar.ts";
import { ESCALATION_DAYS } from "./orders.ts";
import { ROUTINE_ITEMS } from "./report-form.ts";
import { addDays, isoWeekOf, isValidDate, localDate, localMidnightMs, weekStart, type IsoDate, type IsoWeek } from "./time.ts";
import { completionRate, summarise, type Summary, type ZoneLevel, type ZoneRow } from "./digest.ts";
import type { OrderKind } from "./orders.ts";

export const MAX_PERIOD_DAYS = 366;
/** rows listed on the card before "and M more" (the workbook has them all) */
export const STATS_TOP_N = 10;
export const STATS_CHART_MAX_ZONES = 12;

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

// ---------------------------------------------------------------- input rows (as db/stats.ts returns them)

export interface StatsVisitRow {
  zone: string;
  planned: number;
  reported: number;
  missed: number;
  pending: number;
  carried: number;
  onTime: number;
}

export interface StatsReportRow {
  zone: string;
  kind: string;
  n: number;
  unplanned: number;
}

export interface StatsCoverageRow {
  zone: string;
  schools: number;
  covered: number;
}

export interface StatsSupervisorRow {
  code: string;
  name: string;
  zone: string;
  planned: number;
  reported: number;
  missed: number;
  onTime: number;
}

export interface StatsProblemRow {
  zone: string;
  item: string;
  topic: string | null;
  severity: "minor" | "general" | "serious";
  n: number;
  fixedOnSpot: number;
  rectified: number;
  rectifiedOnTime: number;
  open: number;
  overdue: number;
}

export interface StatsOrderRow {
  zone: string;
  kind: OrderKind;
  issued: number;
  acknowledged: number;
  closed: number;
  closedOnTime: number;
  extended: number;
  open: number;
  overdue: number;
  escalated: number;
}

export interface StatsData {
  period: StatsPeriod;
  zones: ZoneRow[];
  visits: StatsVisitRow[];
  reports: StatsReportRow[];
  coverage: StatsCoverageRow[];
  supervisors: StatsSupervisorRow[];
  problems: StatsProblemRow[];
  orders: StatsOrderRow[];
}

// ---------------------------------------------------------------- scope

/**
 * Whose figures: everything, or a set of zones (one zone, or — once offices exist — an office's zones
 * and those of the offices below it). Decided once, by the command (commands/stats.ts `statsScope`).
 */
export type StatsScope = { kind: "all" } | { kind: "zones"; codes: readonly string[]; label: string };

// ---------------------------------------------------------------- output

export interface VisitFigures {
  planned: number;
  reported: number;
  missed: number;
  pending: number;
  carried: number;
  onTime: number;
}

export interface ZoneFigures extends VisitFigures {
  code: string;
  name: string;
  level: ZoneLevel;
  rate: number | null;
  schools: number;
  covered: number;
  coverageRate: number | null;
}

export interface SupervisorFigures extends StatsSupervisorRow {
  rate: number | null;
}

export interface ProblemFigures {
  total: number;
  minor: number;
  general: number;
  serious: number;
  fixedOnSpot: number;
  rectified: number;
  rectifiedOnTime: number;
  open: number;
  overdue: number;
}

export interface ItemFigures extends ProblemFigures {
  item: string;
  topic: string | null;
}

export type DocumentKind = OrderKind;
export const DOCUMENT_KINDS: readonly DocumentKind[] = ["notice", "bulletin", "order", "rectification", "rectification_item"];

export interface DocumentFigures {
  issued: number;
  acknowledged: number;
  closed: number;
  closedOnTime: number;
  extended: number;
  open: number;
  overdue: number;
  escalated: number;
}

export interface Stats {
  period: StatsPeriod;
  scope: StatsScope;
  visits: VisitFigures;
  rate: number | null;
  onTimeRate: number | null;
  byLevel: Record<ZoneLevel, VisitFigures>;
  /** reports of the period's weeks by kind (routine, follow_up, special_topic, complaint), planned or not */
  reportsByKind: { kind: string; n: number }[];
  reports: number;
  unplannedReports: number;
  schools: number;
  coveredSchools: number;
  coverageRate: number | null;
  /** every zone with schools or visits, by code */
  zones: ZoneFigures[];
  /** every supervisor with planned visits, lowest completion first */
  supervisors: SupervisorFigures[];
  /** the card's short list: lowest completion first */
  lowestSupervisors: Summary<SupervisorFigures>;
  problems: ProblemFigures;
  /** by item (routine items in checklist order, then the rest), with severities */
  byItem: ItemFigures[];
  /** item × severity rows for the workbook */
  byItemAndSeverity: (ItemFigures & { severity: "minor" | "general" | "serious" })[];
  documents: DocumentFigures;
  documentsByKind: (DocumentFigures & { kind: DocumentKind })[];
  /** chart: completion by zone (few zones) or by zone level */
  chart: { label: string; level: ZoneLevel | null; reported: number; missed: number; pending: number }[];
  chartByLevel: boolean;
  empty: boolean;
}

const zeroVisits = (): VisitFigures => ({ planned: 0, reported: 0, missed: 0, pending: 0, carried: 0, onTime: 0 });
const addVisits = (into: VisitFigures, row: VisitFigures) => {
  into.planned += row.planned;
  into.reported += row.reported;
  into.missed += row.missed;
  into.pending += row.pending;
  into.carried += row.carried;
  into.onTime += row.onTime;
};
const zeroProblems = (): ProblemFigures => ({ total: 0, minor: 0, general: 0, serious: 0, fixedOnSpot: 0, rectified: 0, rectifiedOnTime: 0, open: 0, overdue: 0 });
const addProblems = (into: ProblemFigures, row: StatsProblemRow) => {
  into.total += row.n;
  into[row.severity] += row.n;
  into.fixedOnSpot += row.fixedOnSpot;
  into.rectified += row.rectified;
  into.rectifiedOnTime += row.rectifiedOnTime;
  into.open += row.open;
  into.overdue += row.overdue;
};
const zeroDocuments = (): DocumentFigures => ({ issued: 0, acknowledged: 0, closed: 0, closedOnTime: 0, extended: 0, open: 0, overdue: 0, escalated: 0 });
const addDocuments = (into: DocumentFigures, row: DocumentFigures) => {
  for (const key of Object.keys(into) as (keyof DocumentFigures)[]) into[key] += row[key];
};
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
export const percent = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 100) : null);

export function buildStats(data: StatsData, scope: StatsScope, topN = STATS_TOP_N): Stats {
  const codes = scope.kind === "zones" ? new Set(scope.codes) : null;
  const inScope = (zone: string) => codes === null || codes.has(zone);
  const zoneByCode = new Map(data.zones.map((z) => [z.code, z]));
  const levelOf = (zone: string): ZoneLevel => zoneByCode.get(zone)?.level ?? "district";

  // visits and coverage, by zone
  const perZone = new Map<string, ZoneFigures>();
  const zoneFigures = (code: string): ZoneFigures => {
    let figures = perZone.get(code);
    if (!figures) {
      figures = { code, name: zoneByCode.get(code)?.name ?? code, level: levelOf(code), ...zeroVisits(), rate: null, schools: 0, covered: 0, coverageRate: null };
      perZone.set(code, figures);
    }
    return figures;
  };
  const visits = zeroVisits();
  const byLevel: Record<ZoneLevel, VisitFigures> = { city: zeroVisits(), district: zeroVisits() };
  for (const row of data.visits) {
    if (!inScope(row.zone)) continue;
    addVisits(visits, row);
    addVisits(byLevel[levelOf(row.zone)], row);
    addVisits(zoneFigures(row.zone), row);
  }
  let schools = 0;
  let covered = 0;
  const requiresMonths = data.period.months.length > 0;
  for (const row of data.coverage) {
    if (!inScope(row.zone)) continue;
    schools += row.schools;
    covered += requiresMonths ? row.covered : 0;
    const figures = zoneFigures(row.zone);
    figures.schools += row.schools;
    figures.covered += requiresMonths ? row.covered : 0;
  }
  const zones = [...perZone.values()].filter((z) => z.code !== "" || z.planned + z.carried > 0).sort((a, b) => cmp(a.code, b.code));
  for (const z of zones) {
    z.rate = completionRate(z);
    z.coverageRate = requiresMonths ? percent(z.covered, z.schools) : null;
  }

  // reports by kind
  const kinds = new Map<string, number>();
  let reports = 0;
  let unplannedReports = 0;
  for (const row of data.reports) {
    if (!inScope(row.zone)) continue;
    kinds.set(row.kind, (kinds.get(row.kind) ?? 0) + row.n);
    reports += row.n;
    unplannedReports += row.unplanned;
  }
  const KIND_ORDER = ["routine", "follow_up", "special_topic", "complaint"];
  const reportsByKind = [...KIND_ORDER.map((kind) => ({ kind, n: kinds.get(kind) ?? 0 })), ...[...kinds].filter(([k]) => !KIND_ORDER.includes(k)).map(([kind, n]) => ({ kind, n }))];

  // supervisors
  const supervisors = data.supervisors
    .filter((row) => inScope(row.zone) && row.planned > 0)
    .map((row) => ({ ...row, rate: completionRate(row) }))
    .sort((a, b) => (a.rate ?? 101) - (b.rate ?? 101) || b.missed - a.missed || cmp(a.code, b.code));

  // problems
  const problems = zeroProblems();
  const items = new Map<string, ItemFigures>();
  const itemSeverity = new Map<string, ItemFigures & { severity: "minor" | "general" | "serious" }>();
  for (const row of data.problems) {
    if (!inScope(row.zone)) continue;
    addProblems(problems, row);
    const topic = row.item === "topic" ? row.topic : null;
    const key = `${row.item}\u0000${topic ?? ""}`;
    if (!items.has(key)) items.set(key, { item: row.item, topic, ...zeroProblems() });
    addProblems(items.get(key)!, row);
    const keyed = `${key}\u0000${row.severity}`;
    if (!itemSeverity.has(keyed)) itemSeverity.set(keyed, { item: row.item, topic, severity: row.severity, ...zeroProblems() });
    addProblems(itemSeverity.get(keyed)!, row);
  }
  const routine = ROUTINE_ITEMS as readonly string[];
  const itemRank = (item: string) => (routine.includes(item) ? routine.indexOf(item) : routine.length + (item === "topic" ? 0 : 1));
  const byItemOrder = (a: ItemFigures, b: ItemFigures) => itemRank(a.item) - itemRank(b.item) || cmp(a.item, b.item) || cmp(a.topic ?? "", b.topic ?? "");
  const SEVERITY_ORDER = { serious: 0, general: 1, minor: 2 } as const;
  const byItem = [...items.values()].sort(byItemOrder);
  const byItemAndSeverity = [...itemSeverity.values()].sort((a, b) => byItemOrder(a, b) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);

  // documents
  const documents = zeroDocuments();
  const perKind = new Map<DocumentKind, DocumentFigures>(DOCUMENT_KINDS.map((kind) => [kind, zeroDocuments()]));
  for (const row of data.orders) {
    if (!inScope(row.zone)) continue;
    addDocuments(documents, row);
    if (!perKind.has(row.kind)) perKind.set(row.kind, zeroDocuments());
    addDocuments(perKind.get(row.kind)!, row);
  }
  const documentsByKind = [...perKind].map(([kind, figures]) => ({ kind, ...figures }));

  // chart
  const withVisits = zones.filter((z) => z.planned > 0);
  const chartByLevel = withVisits.length > STATS_CHART_MAX_ZONES;
  const chart = chartByLevel
    ? (["city", "district"] as const).filter((level) => byLevel[level].planned > 0).map((level) => ({ label: level, level, reported: byLevel[level].reported, missed: byLevel[level].missed, pending: byLevel[level].pending }))
    : withVisits.map((z) => ({ label: z.name, level: null, reported: z.reported, missed: z.missed, pending: z.pending }));

  return {
    period: data.period,
    scope,
    visits,
    rate: completionRate(visits),
    onTimeRate: percent(visits.onTime, visits.reported),
    byLevel,
    reportsByKind,
    reports,
    unplannedReports,
    schools,
    coveredSchools: covered,
    coverageRate: requiresMonths ? percent(covered, schools) : null,
    zones,
    supervisors,
    lowestSupervisors: summarise(supervisors, topN),
    problems,
    byItem,
    byItemAndSeverity,
    documents,
    documentsByKind,
    chart,
    chartByLevel,
    empty: visits.planned + visits.carried === 0 && reports === 0 && problems.total === 0 && documents.issued + documents.closed + documents.open === 0,
  };
}
