/**
 * The reads of `stats`: the calendar first (the period depends on it), then ONE D1 batch of a fixed
 * number of statements whatever the period or the roster (aggregates GROUP BY zone; one row per
 * supervisor). The period's weeks travel as one JSON parameter (`json_each`), so a year is no more
 * statements than a week. Definitions: domain/stats.ts; they are the digest's (db/digest.ts).
 */
import type { CalendarPeriod } from "../domain/calendar.ts";
import { OPEN_STATUSES } from "../domain/orders.ts";
import { CARRIED_NOTE } from "../domain/planner.ts";
import type { StatsCoverageRow, StatsData, StatsOrderRow, StatsPeriod, StatsProblemRow, StatsReportRow, StatsSupervisorRow, StatsVisitRow } from "../domain/stats.ts";
import type { ZoneRow } from "../domain/digest.ts";
import { DIGEST_SQL } from "./digest.ts";

const OPEN = OPEN_STATUSES.map((s) => `'${s}'`).join(", ");
/** an order's status at the end (?2): closed or cancelled after it still counts as open then (as in the digest) */
const STATUS_AT_END = `(CASE WHEN o.status = 'closed' AND o.closed_at >= ?2 THEN 'reported'
  WHEN o.status = 'cancelled' AND o.updated_at >= ?2 THEN 'issued' ELSE o.status END)`;
/** an instant's office-local date (?3 is the offset modifier, e.g. '480 minutes') */
const LOCAL_DATE = (column: string) => `date(${column} / 1000, 'unixepoch', ?3)`;

const VISIT_SUMS = `SUM(a.status IN ('planned', 'reported', 'missed')) AS planned,
      SUM(a.status = 'reported') AS reported,
      SUM(a.status = 'missed' OR (a.status = 'planned' AND a.week < ?2)) AS missed,
      SUM(a.status = 'planned' AND a.week >= ?2) AS pending,
      SUM(a.status = 'moved' AND a.note = '${CARRIED_NOTE}') AS carried,
      SUM(IFNULL(a.status = 'reported' AND r.visit_date <= w.value, 0)) AS onTime`;

export const STATS_SQL = {
  calendar: DIGEST_SQL.calendar,
  zones: DIGEST_SQL.zones,
  // ?1 {week: sunday}, ?2 current week
  visits: `SELECT COALESCE(s.zone_code, '') AS zone, ${VISIT_SUMS}
    FROM json_each(?1) w JOIN assignments a ON a.week = w.key
      LEFT JOIN schools s ON s.code = a.school_code LEFT JOIN reports r ON r.assignment_id = a.id
    GROUP BY 1`,
  // ?1 {week: sunday}
  reports: `SELECT COALESCE(s.zone_code, '') AS zone, r.kind, COUNT(*) AS n, SUM(r.assignment_id IS NULL) AS unplanned
    FROM json_each(?1) w JOIN reports r ON r.week = w.key LEFT JOIN schools s ON s.code = r.school_code
    GROUP BY 1, 2`,
  // ?1 [[from, to], …] one per month with school days, ?2 how many
  coverage: `SELECT s.zone_code AS zone, COUNT(*) AS schools, SUM(COALESCE(c.months, 0) >= ?2) AS covered
    FROM schools s LEFT JOIN (
      SELECT r.school_code, COUNT(DISTINCT m.key) AS months
      FROM json_each(?1) m JOIN reports r ON r.visit_date BETWEEN json_extract(m.value, '$[0]') AND json_extract(m.value, '$[1]')
      GROUP BY r.school_code) c ON c.school_code = s.code
    WHERE s.active = 1 GROUP BY 1`,
  // ?1 {week: sunday}, ?2 current week
  supervisors: `SELECT a.supervisor_code AS code, COALESCE(p.name, a.supervisor_code) AS name, COALESCE(p.zone_code, '') AS zone,
      SUM(a.status IN ('planned', 'reported', 'missed')) AS planned, SUM(a.status = 'reported') AS reported,
      SUM(a.status = 'missed' OR (a.status = 'planned' AND a.week < ?2)) AS missed,
      SUM(IFNULL(a.status = 'reported' AND r.visit_date <= w.value, 0)) AS onTime
    FROM json_each(?1) w JOIN assignments a ON a.week = w.key
      LEFT JOIN people p ON p.code = a.supervisor_code LEFT JOIN reports r ON r.assignment_id = a.id
    GROUP BY a.supervisor_code ORDER BY a.supervisor_code`,
  // ?1 {week: sunday}, ?2 end ms, ?3 offset, ?4 as-of date
  problems: `SELECT COALESCE(s.zone_code, '') AS zone, p.item, p.topic, p.severity, COUNT(*) AS n,
      SUM(p.fixed_on_spot) AS fixedOnSpot,
      SUM(IFNULL(o.status = 'closed' AND o.closed_at < ?2, 0)) AS rectified,
      SUM(IFNULL(o.status = 'closed' AND o.closed_at < ?2 AND ${LOCAL_DATE("o.closed_at")} <= o.due_date, 0)) AS rectifiedOnTime,
      SUM(NOT p.fixed_on_spot AND (o.id IS NULL OR ${STATUS_AT_END} IN (${OPEN}))) AS open,
      SUM(NOT p.fixed_on_spot AND (o.id IS NULL OR ${STATUS_AT_END} IN (${OPEN})) AND IFNULL(COALESCE(o.due_date, p.deadline) < ?4, 0)) AS overdue
    FROM json_each(?1) w JOIN problems p ON p.week = w.key
      LEFT JOIN schools s ON s.code = p.school_code LEFT JOIN orders o ON o.id = p.order_id
    GROUP BY 1, 2, 3, 4`,
  // ?1 start ms, ?2 end ms, ?3 offset, ?4 as-of date, ?5 escalation cutoff date
  orders: `SELECT COALESCE(s.zone_code, '') AS zone, o.kind,
      SUM(o.issued_at >= ?1) AS issued,
      SUM(o.issued_at >= ?1 AND o.acknowledged_at IS NOT NULL AND o.acknowledged_at < ?2) AS acknowledged,
      SUM(o.status = 'closed' AND o.closed_at >= ?1 AND o.closed_at < ?2) AS closed,
      SUM(o.status = 'closed' AND o.closed_at >= ?1 AND o.closed_at < ?2 AND ${LOCAL_DATE("o.closed_at")} <= o.due_date) AS closedOnTime,
      SUM(o.issued_at >= ?1 AND EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.action IN ('extended', 'extension_approved') AND e.at < ?2)) AS extended,
      SUM(${STATUS_AT_END} IN (${OPEN})) AS open,
      SUM(${STATUS_AT_END} IN (${OPEN}) AND o.due_date < ?4) AS overdue,
      SUM(${STATUS_AT_END} IN (${OPEN}) AND o.due_date < ?5) AS escalated
    FROM orders o LEFT JOIN schools s ON s.code = o.school_code
    WHERE o.issued_at < ?2 GROUP BY 1, 2`,
} as const;

export async function loadStatsCalendar(d1: D1Database): Promise<CalendarPeriod[]> {
  return (await d1.prepare(STATS_SQL.calendar).all<CalendarPeriod>()).results;
}

/** Everything `stats` counts for a period, in one D1 batch. `offset` is the SQLite modifier of the office's UTC offset. */
export async function loadStats(d1: D1Database, period: StatsPeriod, offset: string): Promise<StatsData> {
  const weeks = JSON.stringify(period.sundays);
  const months = JSON.stringify(period.months.map((m) => [m.from, m.to]));
  const results = await d1.batch([
    d1.prepare(STATS_SQL.zones),
    d1.prepare(STATS_SQL.visits).bind(weeks, period.currentWeek),
    d1.prepare(STATS_SQL.reports).bind(weeks),
    d1.prepare(STATS_SQL.coverage).bind(months, period.months.length),
    d1.prepare(STATS_SQL.supervisors).bind(weeks, period.currentWeek),
    d1.prepare(STATS_SQL.problems).bind(weeks, period.endMs, offset, period.asOf),
    d1.prepare(STATS_SQL.orders).bind(period.startMs, period.endMs, offset, period.asOf, period.escalationCutoff),
  ]);
  const rows = <T>(i: number) => (results[i]?.results ?? []) as T[];
  return {
    period,
    zones: rows<ZoneRow>(0),
    visits: rows<StatsVisitRow>(1),
    reports: rows<StatsReportRow>(2),
    coverage: rows<StatsCoverageRow>(3),
    supervisors: rows<StatsSupervisorRow>(4),
    problems: rows<StatsProblemRow>(5),
    orders: rows<StatsOrderRow>(6),
  };
}
