/**
 * The digest's reads: ONE D1 batch of a fixed number of statements whatever the
 * roster size (aggregates GROUP BY zone; lists cut to ROWS_PER_ZONE rows per zone
 * with window functions). No query per school, zone or person.
 * `loadDigest(...).queries` says how many statements it took (logged by the job).
 */
import { ROWS_PER_ZONE, type DigestData, type DigestWindow, type EscalationRow, type FeedbackRow, type MissRow, type OrderRow, type PersonRow, type ProblemRow, type SeriousRow, type UnvisitedRow, type VisitRow, type ZoneRow } from "../domain/digest.ts";
import type { CalendarPeriod } from "../domain/calendar.ts";
import { OPEN_STATUSES } from "../domain/orders.ts";
import { CARRIED_NOTE } from "../domain/planner.ts";
import { PLANNING_SQL } from "./planning.ts";

const OPEN = OPEN_STATUSES.map((s) => `'${s}'`).join(", ");
/** an order's status at the week's end (?end): closed or cancelled after it still counts as open then */
const STATUS_AT_END = `CASE WHEN o.status = 'closed' AND o.closed_at >= ?2 THEN 'reported'
  WHEN o.status = 'cancelled' AND o.updated_at >= ?2 THEN 'issued' ELSE o.status END`;

export const DIGEST_SQL = {
  zones: `SELECT z.code, z.name, z.level, z.district, z.lead_code AS leadCode, p.open_id AS leadOpenId, p.lang AS leadLang
    FROM zones z LEFT JOIN people p ON p.code = z.lead_code AND p.active = 1 ORDER BY z.code`,
  // ?1 week
  visits: `SELECT COALESCE(s.zone_code, '') AS zone,
      SUM(a.status IN ('planned', 'reported', 'missed')) AS planned,
      SUM(a.status = 'reported') AS reported,
      SUM(a.status IN ('planned', 'missed')) AS missed,
      SUM(a.status = 'moved' AND a.note = '${CARRIED_NOTE}') AS carried
    FROM assignments a LEFT JOIN schools s ON s.code = a.school_code
    WHERE a.week = ?1 GROUP BY 1`,
  // ?1 week
  problems: `SELECT COALESCE(s.zone_code, '') AS zone, p.item, p.topic, p.severity, COUNT(*) AS n
    FROM problems p LEFT JOIN schools s ON s.code = p.school_code
    WHERE p.week = ?1 GROUP BY 1, 2, 3, 4`,
  // ?1 week, ?2 rows per zone
  serious: `SELECT zone, problemId, schoolCode, schoolName, item, topic, description, photos FROM (
      SELECT COALESCE(s.zone_code, '') AS zone, p.id AS problemId, p.school_code AS schoolCode, COALESCE(s.name, p.school_code) AS schoolName,
             p.item, p.topic, substr(p.description, 1, 120) AS description,
             (SELECT COUNT(*) FROM photos ph WHERE ph.state = 'attached'
                AND ((ph.subject_kind = 'report' AND ph.subject_id = p.report_id) OR (ph.subject_kind = 'order' AND ph.subject_id = p.order_id))) AS photos,
             ROW_NUMBER() OVER (PARTITION BY COALESCE(s.zone_code, '') ORDER BY p.id) AS rn
      FROM problems p LEFT JOIN schools s ON s.code = p.school_code
      WHERE p.week = ?1 AND p.severity = 'serious')
    WHERE rn <= ?2 ORDER BY problemId`,
  // ?1 start ms, ?2 end ms
  orders: `SELECT COALESCE(s.zone_code, '') AS zone, ${STATUS_AT_END} AS status, o.due_date AS dueDate, COUNT(*) AS n,
      SUM(o.issued_at >= ?1) AS issued,
      SUM(o.status = 'closed' AND o.closed_at >= ?1 AND o.closed_at < ?2) AS closed
    FROM orders o LEFT JOIN schools s ON s.code = o.school_code
    WHERE o.issued_at < ?2 GROUP BY 1, 2, 3`,
  // ?1 start ms (not used: numbered like `orders`), ?2 end ms, ?3 escalation cutoff date, ?4 rows per zone.
  // Only orders open at the week's end are numbered, so finished ones (a year's worth) cannot push them off the list.
  escalations: `SELECT zone, number, schoolCode, schoolName, dueDate, status FROM (
      SELECT zone, number, schoolCode, schoolName, dueDate, status,
             ROW_NUMBER() OVER (PARTITION BY zone ORDER BY dueDate, number) AS rn
      FROM (SELECT COALESCE(s.zone_code, '') AS zone, o.number, o.school_code AS schoolCode, COALESCE(s.name, o.school_code) AS schoolName,
                   o.due_date AS dueDate, ${STATUS_AT_END} AS status
            FROM orders o LEFT JOIN schools s ON s.code = o.school_code
            WHERE o.issued_at < ?2 AND o.due_date < ?3)
      WHERE status IN (${OPEN}))
    WHERE rn <= ?4 ORDER BY dueDate, number`,
  // ?1 month start, ?2 month so far (W's Sunday or the month's end), ?3 rows per zone
  unvisited: `SELECT zone, code, name, total FROM (
      SELECT s.zone_code AS zone, s.code, s.name,
             COUNT(*) OVER (PARTITION BY s.zone_code) AS total,
             ROW_NUMBER() OVER (PARTITION BY s.zone_code ORDER BY s.code) AS rn
      FROM schools s
      WHERE s.active = 1 AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.school_code = s.code AND r.visit_date BETWEEN ?1 AND ?2))
    WHERE rn <= ?3 ORDER BY zone, code`,
  // ?1 month's first week, ?2 week
  misses: `SELECT a.supervisor_code AS code, COALESCE(p.name, a.supervisor_code) AS name, COALESCE(p.zone_code, '') AS zone, COUNT(*) AS missed
    FROM assignments a LEFT JOIN people p ON p.code = a.supervisor_code
    WHERE a.week BETWEEN ?1 AND ?2 AND a.status IN ('planned', 'missed')
    GROUP BY a.supervisor_code HAVING COUNT(*) >= 2`,
  calendar: PLANNING_SQL.calendar,
  // ?1 start ms, ?2 end ms: public feedback received in the week, by zone (replied and visited as of now)
  feedback: `SELECT s.zone_code AS zone, COUNT(*) AS received, SUM(f.status = 'replied') AS replied,
      SUM(EXISTS (SELECT 1 FROM reports r WHERE r.submission_key = 'extra:feedback:' || f.reference)) AS visited
    FROM feedback f JOIN schools s ON s.code = f.school_code WHERE f.received_at >= ?1 AND f.received_at < ?2 GROUP BY s.zone_code`,
} as const;

/** Job only: personal lines (?1 week, ?2 now: orders waiting for the supervisor's school) and the scopes already sent (?1 week). */
export const DIGEST_JOB_SQL = {
  people: `SELECT p.code, p.name, p.open_id AS openId, p.lang, COALESCE(v.done, 0) AS done, COALESCE(v.missed, 0) AS missed, COALESCE(w.waiting, 0) AS waiting
    FROM people p
    LEFT JOIN (SELECT supervisor_code, SUM(status = 'reported') AS done, SUM(status IN ('planned', 'missed')) AS missed
               FROM assignments WHERE week = ?1 GROUP BY supervisor_code) v ON v.supervisor_code = p.code
    LEFT JOIN (SELECT s.supervisor_code, COUNT(*) AS waiting FROM orders o JOIN schools s ON s.code = o.school_code
               WHERE o.status IN ('issued', 'acknowledged') AND o.issued_at <= ?2 GROUP BY s.supervisor_code) w ON w.supervisor_code = p.code
    WHERE p.role = 'supervisor' AND p.active = 1 AND p.open_id IS NOT NULL
      AND COALESCE(v.done, 0) + COALESCE(v.missed, 0) + COALESCE(w.waiting, 0) > 0
    ORDER BY p.code`,
  sent: `SELECT scope FROM digests WHERE week = ?1`,
} as const;

export interface LoadedDigest {
  data: DigestData;
  people: PersonRow[];
  sentScopes: Set<string>;
  /** how many D1 statements were run */
  queries: number;
}

function statements(d1: D1Database, window: DigestWindow): D1PreparedStatement[] {
  return [
    d1.prepare(DIGEST_SQL.zones),
    d1.prepare(DIGEST_SQL.visits).bind(window.week),
    d1.prepare(DIGEST_SQL.problems).bind(window.week),
    d1.prepare(DIGEST_SQL.serious).bind(window.week, ROWS_PER_ZONE),
    d1.prepare(DIGEST_SQL.orders).bind(window.startMs, window.endMs),
    d1.prepare(DIGEST_SQL.escalations).bind(window.startMs, window.endMs, window.escalationCutoff, ROWS_PER_ZONE),
    d1.prepare(DIGEST_SQL.unvisited).bind(window.monthStart, window.monthTo, ROWS_PER_ZONE),
    d1.prepare(DIGEST_SQL.misses).bind(window.monthFirstWeek, window.week),
    d1.prepare(DIGEST_SQL.calendar),
    d1.prepare(DIGEST_SQL.feedback).bind(window.startMs, window.endMs),
  ];
}

/** Everything a digest needs, in one D1 batch; `withJob` adds the personal lines and the sent scopes. */
export async function loadDigest(d1: D1Database, window: DigestWindow, job: { nowMs: number } | null = null): Promise<LoadedDigest> {
  const withJob = job !== null;
  const batch = statements(d1, window);
  if (job) batch.push(d1.prepare(DIGEST_JOB_SQL.people).bind(window.week, job.nowMs), d1.prepare(DIGEST_JOB_SQL.sent).bind(window.week));
  const results = await d1.batch(batch);
  const rows = <T>(i: number) => (results[i]?.results ?? []) as T[];
  const data: DigestData = {
    window,
    zones: rows<ZoneRow>(0),
    visits: rows<VisitRow>(1),
    problems: rows<ProblemRow>(2),
    serious: rows<SeriousRow>(3),
    orders: rows<OrderRow>(4),
    escalations: rows<EscalationRow>(5),
    unvisited: rows<UnvisitedRow>(6),
    misses: rows<MissRow>(7),
    calendar: rows<CalendarPeriod>(8),
    feedback: rows<FeedbackRow>(9),
  };
  return {
    data,
    people: withJob ? rows<PersonRow>(10) : [],
    sentScopes: new Set(withJob ? rows<{ scope: string }>(11).map((r) => r.scope) : []),
    queries: batch.length,
  };
}

/** Records the digests sent (ON CONFLICT: a re-run adds nothing). The `office` row also closes report editing for the week. */
export function markSentStatement(d1: D1Database, week: string, scopes: readonly string[], nowMs: number): D1PreparedStatement {
  return d1
    .prepare(`INSERT INTO digests (week, scope, sent_at) SELECT ?1, value, ?2 FROM json_each(?3) WHERE true ON CONFLICT(week, scope) DO NOTHING`)
    .bind(week, nowMs, JSON.stringify(scopes));
}
