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
import { daysOverdue, isEscalation, isOpen, isOverdue } from "./orders.ts";
import { ROUTINE_ITEMS } from "./report-form.ts";
import { localMidnightMs } from "./time.ts";
import { districtOffices, scopeOf, zoneInScope, type Office, type OfficeScope } from "./offices.ts";
import { monthHasSchoolDays } from "./digest-window.ts";
import { completionRate, summarise } from "./digest-types.ts";
import type { Digest, DigestData, DigestScope, OfficeLine, OrderNumbers, VisitCounts, ZoneLevel, ZoneLine, ZoneRow } from "./digest-types.ts";

export { digestWindow, monthHasSchoolDays } from "./digest-window.ts";
export type { DigestWindow } from "./digest-window.ts";
export { completionRate, summarise, wantsPersonalLine } from "./digest-types.ts";
export type {
  Digest,
  DigestData,
  DigestScope,
  EscalationLine,
  EscalationRow,
  FeedbackRow,
  MissRow,
  OfficeLine,
  OrderNumbers,
  OrderRow,
  PersonRow,
  ProblemRow,
  SeriousRow,
  Summary,
  UnvisitedRow,
  VisitCounts,
  VisitRow,
  ZoneLevel,
  ZoneLine,
  ZoneRow,
} from "./digest-types.ts";

export const MISSED_THRESHOLD = 2;
/** items listed per section before "and M more" (office card; a zone card lists more) */
export const TOP_N = 10;
export const ZONE_TOP_N = 20;
/** rows per zone the list queries return: enough for any zone card and for the office's top N */
export const ROWS_PER_ZONE = ZONE_TOP_N;
/** the chart shows one bar per zone up to this many zones with visits, else one bar per zone level */
export const CHART_MAX_ZONES = 12;

export { localMidnightMs };

const zero = (): VisitCounts => ({ planned: 0, reported: 0, missed: 0, carried: 0 });
const add = (into: VisitCounts, row: VisitCounts) => {
  into.planned += row.planned;
  into.reported += row.reported;
  into.missed += row.missed;
  into.carried += row.carried;
};
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
