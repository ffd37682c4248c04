/**
 * The weekly digest's numbers, pure: plain rows in (already aggregated by zone
 * in SQL, see db/digest.ts), plain numbers and short lists out. No I/O, no clock.
 *
 * Definitions (for the ISO week W that just ended):
 *  - planned: W's assignments that count as a visit (planned | reported | missed, planner.COUNTING_STATUSES);
 *    reported: status `reported`; missed: `missed`, or still `planned` (the week is over);
 *    carried over: W's rows the planner stored as `moved` with note `carried_over`.
 *  - a zone's numbers are those of its schools; city and district totals add the zones of that level.
 *  - orders: issued / closed during W; open, overdue and escalation (> ESCALATION_DAYS overdue) as of the
 *    Monday after W (the digest's date), with the orders module's own rules (domain/orders.ts).
 *  - "this month" is the month of W's Thursday (the ISO rule: each week belongs to one month), from its first
 *    day to W's Sunday or the month's end: schools with no visit report dated in it; supervisors with 2 or more
 *    missed visits in the month's weeks up to W (weeks whose Thursday is in the month). In a month with no
 *    school day so far (a break), nobody is listed.
 */
import { SchoolCalendar, type CalendarPeriod } from "./calendar.ts";
import { daysOverdue, isEscalation, isOpen, isOverdue } from "./orders.ts";
import { ROUTINE_ITEMS } from "./report-form.ts";
import { addDays, isoWeekOf, localMidnightMs, weekday, weekStart, type IsoDate, type IsoWeek } from "./time.ts";
import type { OrderStatus } from "./orders.ts";
import { districtOffices, scopeOf, zoneInScope, type Office, type OfficeScope } from "./offices.ts";

export const MISSED_THRESHOLD = 2;
/** items listed per section before "and M more" (office card; a zone card lists more) */
export const TOP_N = 10;
export const ZONE_TOP_N = 20;
/** rows per zone the list queries return: enough for any zone card and for the office's top N */
export const ROWS_PER_ZONE = ZONE_TOP_N;
/** the chart shows one bar per zone up to this many zones with visits, else one bar per zone level */
export const CHART_MAX_ZONES = 12;

// ---------------------------------------------------------------- the week's window

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

export { localMidnightMs };

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

// ---------------------------------------------------------------- input rows (as db/digest.ts returns them)

export type ZoneLevel = "city" | "district";

export interface ZoneRow {
  code: string;
  name: string;
  level: ZoneLevel;
  /** district-level zones: the district (which office runs it, domain/offices.ts) */
  district?: string;
  leadCode: string | null;
  leadOpenId: string | null;
  leadLang: "zh" | "en" | null;
}

export interface VisitRow {
  zone: string;
  planned: number;
  reported: number;
  missed: number;
  carried: number;
}

export interface ProblemRow {
  zone: string;
  item: string;
  topic: string | null;
  severity: "minor" | "general" | "serious";
  n: number;
}

export interface SeriousRow {
  zone: string;
  problemId: number;
  schoolCode: string;
  schoolName: string;
  item: string;
  topic: string | null;
  description: string;
  /** photos of its visit report and of its rectification item */
  photos?: number;
}

/** Orders bucketed by zone, status at the week's end and due date, with how many were issued / closed in the week. */
export interface OrderRow {
  zone: string;
  status: OrderStatus;
  dueDate: IsoDate;
  n: number;
  issued: number;
  closed: number;
}

export interface EscalationRow {
  zone: string;
  number: string;
  schoolCode: string;
  schoolName: string;
  dueDate: IsoDate;
  status: OrderStatus;
}

export interface UnvisitedRow {
  zone: string;
  code: string;
  name: string;
  /** how many schools of this zone have no visit (the same on every row of the zone) */
  total: number;
}

export interface MissRow {
  code: string;
  name: string;
  zone: string;
  missed: number;
}

export interface DigestData {
  window: DigestWindow;
  zones: ZoneRow[];
  visits: VisitRow[];
  problems: ProblemRow[];
  serious: SeriousRow[];
  orders: OrderRow[];
  escalations: EscalationRow[];
  unvisited: UnvisitedRow[];
  misses: MissRow[];
  calendar: CalendarPeriod[];
  /** public feedback received in the week, by zone (挂牌督导公示); absent where a caller has none */
  feedback?: FeedbackRow[];
}

export interface FeedbackRow {
  zone: string;
  received: number;
  replied: number;
  visited: number;
}

// ---------------------------------------------------------------- output

export interface VisitCounts {
  planned: number;
  reported: number;
  missed: number;
  carried: number;
}

export interface Summary<T> {
  total: number;
  shown: T[];
  /** total − shown.length: the "and M more" */
  more: number;
}

export function summarise<T>(items: readonly T[], n: number, total = items.length): Summary<T> {
  const shown = items.slice(0, Math.max(0, n));
  return { total, shown, more: Math.max(0, total - shown.length) };
}

/** Whole percent of planned visits reported (null when nothing was planned). */
export function completionRate(counts: Pick<VisitCounts, "planned" | "reported">): number | null {
  return counts.planned > 0 ? Math.round((counts.reported / counts.planned) * 100) : null;
}

export interface ZoneLine extends VisitCounts {
  code: string;
  name: string;
  level: ZoneLevel;
  rate: number | null;
}

export interface OrderNumbers {
  issued: number;
  closed: number;
  open: number;
  overdue: number;
  escalation: number;
}

export interface EscalationLine extends EscalationRow {
  days: number;
}

/** The whole deployment, one office's zones (`zones`, titled with `officeName`), or one zone. */
export type DigestScope = { kind: "office"; zones?: ReadonlySet<string>; officeName?: string } | { kind: "zone"; code: string };

/** One row per district office on the top office's card, so the city sees which districts lag. */
export interface OfficeLine {
  code: string;
  name: string;
  planned: number;
  reported: number;
  rate: number | null;
  problems: number;
  overdue: number;
}

export interface Digest {
  week: IsoWeek;
  window: DigestWindow;
  scope: DigestScope;
  zoneName: string | null;
  visits: VisitCounts;
  rate: number | null;
  byLevel: Record<ZoneLevel, VisitCounts>;
  /** zones with anything planned or carried over, worst first (most missed, then lowest rate, then code) */
  zones: Summary<ZoneLine>;
  /** bars of the completion chart: one per zone (few zones) or per zone level */
  chart: { label: string; level: ZoneLevel | null; counts: VisitCounts }[];
  chartByLevel: boolean;
  problems: { total: number; serious: number; general: number; minor: number };
  seriousList: Summary<SeriousRow>;
  /** routine items with problems, in checklist order; other items (topic / other) follow */
  byItem: { item: string; n: number }[];
  byTopic: { topic: string; n: number }[];
  orders: OrderNumbers;
  escalations: Summary<EscalationLine>;
  /** false in a month with no school days so far (then nothing is listed) */
  monthHasSchoolDays: boolean;
  unvisited: Summary<{ code: string; name: string; zone: string }>;
  misses: Summary<MissRow>;
  /** nothing planned, carried, found or issued, and no open orders */
  empty: boolean;
  /** the top office's digest: one line per district office (else empty) */
  offices: OfficeLine[];
  /** the week's public feedback in scope: received, replied to so far, checked with a visit */
  feedback: { received: number; replied: number; visited: number };
}

const zero = (): VisitCounts => ({ planned: 0, reported: 0, missed: 0, carried: 0 });
const add = (into: VisitCounts, row: VisitCounts) => {
  into.planned += row.planned;
  into.reported += row.reported;
  into.missed += row.missed;
  into.carried += row.carried;
};
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Has the month of the window had any school day so far? */
export function monthHasSchoolDays(window: DigestWindow, calendar: readonly CalendarPeriod[]): boolean {
  const school = new SchoolCalendar(calendar);
  for (let day = window.monthStart; day <= window.monthTo; day = addDays(day, 1)) if (school.isSchoolDay(day)) return true;
  return false;
}

/** Builds the digest of the whole office or of one zone from the same rows. */
export function buildDigest(data: DigestData, scope: DigestScope, topN = scope.kind === "office" ? TOP_N : ZONE_TOP_N): Digest {
  const inScope = (zone: string) => (scope.kind === "office" ? !scope.zones || scope.zones.has(zone) : zone === scope.code);
  const zoneByCode = new Map(data.zones.map((z) => [z.code, z]));
  const levelOf = (zone: string): ZoneLevel => zoneByCode.get(zone)?.level ?? "district";

  // visits
  const visits = zero();
  const byLevel: Record<ZoneLevel, VisitCounts> = { city: zero(), district: zero() };
  const zoneLines: ZoneLine[] = [];
  for (const row of data.visits) {
    if (!inScope(row.zone)) continue;
    add(visits, row);
    add(byLevel[levelOf(row.zone)], row);
    if (row.planned + row.carried === 0) continue;
    const zone = zoneByCode.get(row.zone);
    const counts = { planned: row.planned, reported: row.reported, missed: row.missed, carried: row.carried };
    zoneLines.push({ code: row.zone, name: zone?.name ?? row.zone, level: levelOf(row.zone), ...counts, rate: completionRate(counts) });
  }
  zoneLines.sort((a, b) => b.missed - a.missed || (a.rate ?? 101) - (b.rate ?? 101) || b.carried - a.carried || cmp(a.code, b.code));
  const chartByLevel = scope.kind === "office" && zoneLines.length > CHART_MAX_ZONES;
  const chart = chartByLevel
    ? (["city", "district"] as const).filter((level) => byLevel[level].planned + byLevel[level].carried > 0).map((level) => ({ label: level, level, counts: byLevel[level] }))
    : [...zoneLines].sort((a, b) => cmp(a.code, b.code)).map((z) => ({ label: z.name, level: null, counts: { planned: z.planned, reported: z.reported, missed: z.missed, carried: z.carried } }));

  // problems
  const problems = { total: 0, serious: 0, general: 0, minor: 0 };
  const items = new Map<string, number>();
  const topics = new Map<string, number>();
  for (const row of data.problems) {
    if (!inScope(row.zone)) continue;
    problems.total += row.n;
    problems[row.severity] += row.n;
    items.set(row.item, (items.get(row.item) ?? 0) + row.n);
    if (row.topic) topics.set(row.topic, (topics.get(row.topic) ?? 0) + row.n);
  }
  const routine = ROUTINE_ITEMS as readonly string[];
  const byItem = [
    ...routine.filter((item) => items.has(item)).map((item) => ({ item, n: items.get(item)! })),
    ...[...items].filter(([item]) => !routine.includes(item)).sort(([a], [b]) => cmp(a, b)).map(([item, n]) => ({ item, n })),
  ];
  const byTopic = [...topics].map(([topic, n]) => ({ topic, n })).sort((a, b) => b.n - a.n || cmp(a.topic, b.topic));
  const seriousRows = data.serious.filter((row) => inScope(row.zone)).sort((a, b) => a.problemId - b.problemId);

  // orders, with the orders module's rules at the digest's date
  const orders: OrderNumbers = { issued: 0, closed: 0, open: 0, overdue: 0, escalation: 0 };
  for (const row of data.orders) {
    if (!inScope(row.zone)) continue;
    orders.issued += row.issued;
    orders.closed += row.closed;
    if (isOpen(row.status)) orders.open += row.n;
    if (isOverdue(row, data.window.asOf)) orders.overdue += row.n;
    if (isEscalation(row, data.window.asOf)) orders.escalation += row.n;
  }
  const escalationLines = data.escalations
    .filter((row) => inScope(row.zone) && isEscalation(row, data.window.asOf))
    .map((row) => ({ ...row, days: daysOverdue(row, data.window.asOf) }))
    .sort((a, b) => b.days - a.days || cmp(a.number, b.number));

  // this month
  const schoolMonth = monthHasSchoolDays(data.window, data.calendar);
  const unvisitedRows = schoolMonth ? data.unvisited.filter((row) => inScope(row.zone)) : [];
  const unvisitedTotals = new Map(unvisitedRows.map((row) => [row.zone, row.total]));
  const unvisitedTotal = [...unvisitedTotals.values()].reduce((a, b) => a + b, 0);
  unvisitedRows.sort((a, b) => cmp(a.zone, b.zone) || cmp(a.code, b.code));
  const missRows = schoolMonth
    ? data.misses.filter((row) => inScope(row.zone) && row.missed >= MISSED_THRESHOLD).sort((a, b) => b.missed - a.missed || cmp(a.code, b.code))
    : [];

  const empty = visits.planned + visits.carried === 0 && problems.total === 0 && orders.issued + orders.closed + orders.open === 0;
  return {
    week: data.window.week,
    window: data.window,
    scope,
    zoneName: scope.kind === "zone" ? (zoneByCode.get(scope.code)?.name ?? scope.code) : null,
    visits,
    rate: completionRate(visits),
    byLevel,
    zones: summarise(zoneLines, topN),
    chart,
    chartByLevel,
    problems,
    seriousList: summarise(seriousRows, topN, problems.serious),
    byItem,
    byTopic,
    orders,
    escalations: summarise(escalationLines, topN, orders.escalation),
    monthHasSchoolDays: schoolMonth,
    unvisited: summarise(unvisitedRows.map(({ code, name, zone }) => ({ code, name, zone })), topN, unvisitedTotal),
    misses: summarise(missRows, topN),
    empty,
    offices: [],
    feedback: (data.feedback ?? [])
      .filter((row) => inScope(row.zone))
      .reduce((sum, row) => ({ received: sum.received + row.received, replied: sum.replied + row.replied, visited: sum.visited + row.visited }), { received: 0, replied: 0, visited: 0 }),
  };
}

/** The codes of the zones an office scope covers. */
export function zonesOfScope(zones: readonly ZoneRow[], scope: OfficeScope): Set<string> {
  return new Set(zones.filter((zone) => zoneInScope(scope, { level: zone.level, district: zone.district ?? "" })).map((zone) => zone.code));
}

/** The digest of one office's scope; the top office's adds one line per district office. */
export function buildOfficeDigest(data: DigestData, offices: readonly Office[], office: Office): Digest {
  const scope = scopeOf(offices, office.code);
  const digest = buildDigest(data, { kind: "office", zones: scope.districts === null ? undefined : zonesOfScope(data.zones, scope), officeName: office.name });
  if (!scope.isTop) return digest;
  const lines = districtOffices(offices).map((child): OfficeLine => {
    const part = buildDigest(data, { kind: "office", zones: zonesOfScope(data.zones, scopeOf(offices, child.code)) });
    return { code: child.code, name: child.name, planned: part.visits.planned, reported: part.visits.reported, rate: part.rate, problems: part.problems.total, overdue: part.orders.overdue };
  });
  return { ...digest, offices: lines, empty: digest.empty && lines.every((line) => line.planned + line.problems + line.overdue === 0) };
}

/** Does a zone have anything worth a direct message to its lead this week? */
export function zoneHasNews(digest: Digest): boolean {
  return !digest.empty || digest.misses.total > 0;
}

// ---------------------------------------------------------------- personal lines

export interface PersonRow {
  code: string;
  name: string;
  openId: string;
  lang: "zh" | "en";
  done: number;
  missed: number;
  waiting: number;
}

/** Only people with something to hear about get a line. */
export const wantsPersonalLine = (row: Pick<PersonRow, "done" | "missed" | "waiting">) => row.done + row.missed + row.waiting > 0;
