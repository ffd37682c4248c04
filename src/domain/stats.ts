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
import { ROUTINE_ITEMS } from "./report-form.ts";
import { completionRate, summarise } from "./digest.ts";
import type { ZoneLevel } from "./digest.ts";
import { DOCUMENT_KINDS } from "./stats-types.ts";
import type { DocumentFigures, DocumentKind, ItemFigures, ProblemFigures, Stats, StatsData, StatsProblemRow, StatsScope, VisitFigures, ZoneFigures } from "./stats-types.ts";

export { MAX_PERIOD_DAYS, parsePeriodArg, seasonOf, statsPeriod } from "./stats-period.ts";
export type { PeriodError, PeriodSpec, Season, StatsPeriod } from "./stats-period.ts";
export { DOCUMENT_KINDS } from "./stats-types.ts";
export type {
  DocumentFigures,
  DocumentKind,
  ItemFigures,
  ProblemFigures,
  Stats,
  StatsCoverageRow,
  StatsData,
  StatsOrderRow,
  StatsProblemRow,
  StatsReportRow,
  StatsScope,
  StatsSupervisorRow,
  StatsVisitRow,
  SupervisorFigures,
  VisitFigures,
  ZoneFigures,
} from "./stats-types.ts";

/** rows listed on the card before "and M more" (the workbook has them all) */
export const STATS_TOP_N = 10;
export const STATS_CHART_MAX_ZONES = 12;

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
