import { chunkForJson } from "./client.ts";
import type { CalendarPeriod } from "../domain/calendar.ts";
import {
  planningWindow,
  type LeavePeriod,
  type OpenOrder,
  type PlannedVisit,
  type PlannerInput,
  type PlanSchool,
  type StoredAssignment,
} from "../domain/planner.ts";
import { weekStart, type IsoWeek } from "../domain/time.ts";

/**
 * Queries of the weekly plan. A week's plan is a fixed handful of D1 statements whatever the roster size:
 * ONE batch of 9 reads (loadPlanning), ONE batch of json_each inserts (storePlan: one statement per ~400 KB chunk,
 * RETURNING the new ids) and the outbox inserts plus one plan_runs update committed by the unit of work.
 * No per-school or per-supervisor query anywhere.
 */

export const DEFAULT_MAX_VISITS_PER_WEEK = 2;
export const FOLLOW_UP_ORDER_KINDS = ["order", "rectification", "rectification_item"] as const;

export interface SupervisorInfo {
  code: string;
  name: string;
  zoneCode: string | null;
  openId: string | null;
  lang: "zh" | "en";
}

export interface SchoolInfo extends PlanSchool {
  name: string;
  address: string;
}

export interface PlanRun {
  week: string;
  plannedAt: number;
  sentAt: number | null;
}

export interface PlanningData {
  input: PlannerInput;
  schools: Map<string, SchoolInfo>;
  supervisors: Map<string, SupervisorInfo>;
  zones: Map<string, string>;
  run: PlanRun | null;
}

const ASSIGNMENT_COLUMNS = `id, week, supervisor_code AS supervisorCode, school_code AS schoolCode, reason, status, topic,
  order_id AS orderId, note, moved_to_week AS movedToWeek`;

export const PLANNING_SQL = {
  schools: `SELECT code, name, address, zone_code AS zoneCode, supervisor_code AS supervisorCode, visits_per_month AS visitsPerMonth
    FROM schools WHERE active = 1`,
  supervisors: `SELECT code, name, zone_code AS zoneCode, open_id AS openId, lang FROM people WHERE role = 'supervisor' AND active = 1`,
  zones: `SELECT code, name FROM zones`,
  calendar: `SELECT id, kind, name, start_date AS startDate, end_date AS endDate FROM calendar_periods ORDER BY start_date, id`,
  assignments: `SELECT ${ASSIGNMENT_COLUMNS} FROM assignments WHERE (week BETWEEN ?1 AND ?2) OR moved_to_week = ?3`,
  leaves: `SELECT person_code AS personCode, from_date AS fromDate, to_date AS toDate FROM leaves WHERE to_date >= ?1 AND from_date <= ?2`,
  orders: `SELECT o.id AS orderId, o.school_code AS schoolCode, o.due_date AS dueDate, o.status,
      (SELECT MAX(r.visit_date) FROM reports r WHERE r.school_code = o.school_code AND r.kind = 'follow_up') AS lastFollowUpVisit,
      EXISTS (SELECT 1 FROM assignments a WHERE a.order_id = o.id AND a.reason = 'follow_up' AND a.status IN ('planned', 'reported')) AS followUpPlanned
    FROM orders o
    WHERE o.status NOT IN ('closed', 'cancelled') AND o.due_date < ?1 AND o.kind IN (${FOLLOW_UP_ORDER_KINDS.map((k) => `'${k}'`).join(", ")})`,
  visits: `SELECT school_code AS schoolCode, visit_date AS visitDate FROM reports WHERE assignment_id IS NULL AND visit_date BETWEEN ?1 AND ?2`,
  settings: `SELECT key, value FROM settings WHERE key IN ('max_visits_per_week', 'special_topics')`,
  run: `SELECT week, planned_at AS plannedAt, sent_at AS sentAt FROM plan_runs WHERE week = ?1`,
} as const;

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function readMaxVisits(value: string | undefined): number {
  const parsed = parseJson(value);
  return typeof parsed === "number" && Number.isInteger(parsed) && parsed >= 1 && parsed <= 20 ? parsed : DEFAULT_MAX_VISITS_PER_WEEK;
}

export function readSpecialTopics(value: string | undefined): Record<string, string[]> {
  const parsed = parseJson(value);
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
  const topics: Record<string, string[]> = {};
  for (const [month, list] of Object.entries(parsed as Record<string, unknown>)) {
    if (/^\d{4}-\d{2}$/.test(month) && Array.isArray(list)) topics[month] = list.filter((item): item is string => typeof item === "string");
  }
  return topics;
}

/** Everything the planner needs for `week`, in ONE D1 batch (9 statements). */
export async function loadPlanning(d1: D1Database, week: IsoWeek): Promise<PlanningData> {
  const window = planningWindow(week);
  const monday = weekStart(week);
  const results = await d1.batch([
    d1.prepare(PLANNING_SQL.schools),
    d1.prepare(PLANNING_SQL.supervisors),
    d1.prepare(PLANNING_SQL.zones),
    d1.prepare(PLANNING_SQL.calendar),
    d1.prepare(PLANNING_SQL.assignments).bind(window.fromWeek, window.toWeek, week),
    d1.prepare(PLANNING_SQL.leaves).bind(window.fromDate, window.toDate),
    d1.prepare(PLANNING_SQL.orders).bind(monday),
    d1.prepare(PLANNING_SQL.visits).bind(window.fromDate, window.toDate),
    d1.prepare(PLANNING_SQL.settings),
    d1.prepare(PLANNING_SQL.run).bind(week),
  ]);
  const rows = <T>(i: number) => (results[i]!.results ?? []) as T[];
  const schools = rows<SchoolInfo>(0);
  const supervisors = rows<SupervisorInfo>(1);
  const settings = new Map(rows<{ key: string; value: string }>(8).map((row) => [row.key, row.value]));
  const orders = rows<OpenOrder & { followUpPlanned: number | boolean }>(6).map((o) => ({ ...o, followUpPlanned: Boolean(o.followUpPlanned) }));
  const input: PlannerInput = {
    week,
    schools,
    supervisors,
    calendar: rows<CalendarPeriod>(3),
    assignments: rows<StoredAssignment>(4),
    leaves: rows<LeavePeriod>(5),
    orders,
    visits: rows<{ schoolCode: string; visitDate: string }>(7),
    specialTopics: readSpecialTopics(settings.get("special_topics")),
    maxVisitsPerWeek: readMaxVisits(settings.get("max_visits_per_week")),
  };
  return {
    input,
    schools: new Map(schools.map((s) => [s.code, s])),
    supervisors: new Map(supervisors.map((s) => [s.code, s])),
    zones: new Map(rows<{ code: string; name: string }>(2).map((z) => [z.code, z.name])),
    run: rows<PlanRun>(9)[0] ?? null,
  };
}

export const INSERT_ASSIGNMENTS_SQL = `INSERT INTO assignments (week, supervisor_code, school_code, reason, topic, order_id, status, note, moved_to_week, created_at, updated_at)
SELECT json_extract(value, '$.week'), json_extract(value, '$.supervisorCode'), json_extract(value, '$.schoolCode'),
       json_extract(value, '$.reason'), json_extract(value, '$.topic'), json_extract(value, '$.orderId'),
       json_extract(value, '$.status'), json_extract(value, '$.note'), json_extract(value, '$.movedToWeek'), ?1, ?1
FROM json_each(?2) WHERE true
ON CONFLICT(week, supervisor_code, school_code) DO NOTHING
RETURNING ${ASSIGNMENT_COLUMNS}`;

export const UPSERT_PLAN_RUN_SQL = `INSERT INTO plan_runs (week, planned_at) VALUES (?1, ?2) ON CONFLICT(week) DO NOTHING`;
export const MARK_SENT_SQL = `UPDATE plan_runs SET sent_at = ?2 WHERE week = ?1`;

/** The insert statements of a plan's new rows (planned and carried over), one per chunk, plus the plan_runs row. */
export function planInsertStatements(d1: D1Database, week: IsoWeek, rows: readonly PlannedVisit[], nowMs: number): D1PreparedStatement[] {
  const slim = rows.map((r) => ({
    week: r.week,
    supervisorCode: r.supervisorCode,
    schoolCode: r.schoolCode,
    reason: r.reason,
    topic: r.topic,
    orderId: r.orderId,
    status: r.status,
    note: r.note,
    movedToWeek: r.movedToWeek,
  }));
  return [
    ...chunkForJson(slim).map((chunk) => d1.prepare(INSERT_ASSIGNMENTS_SQL).bind(nowMs, JSON.stringify(chunk))),
    d1.prepare(UPSERT_PLAN_RUN_SQL).bind(week, nowMs),
  ];
}

export async function loadCalendar(d1: D1Database): Promise<CalendarPeriod[]> {
  return (await d1.prepare(PLANNING_SQL.calendar).all<CalendarPeriod>()).results;
}

export async function planRun(d1: D1Database, week: IsoWeek): Promise<PlanRun | null> {
  return (await d1.prepare(PLANNING_SQL.run).bind(week).first<PlanRun>()) ?? null;
}

export async function readSetting(d1: D1Database, key: string): Promise<string | undefined> {
  const row = await d1.prepare("SELECT value FROM settings WHERE key = ?1").bind(key).first<{ value: string }>();
  return row?.value;
}

export function upsertSetting(d1: D1Database, key: string, value: string, nowMs: number): D1PreparedStatement {
  return d1
    .prepare("INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
    .bind(key, value, nowMs);
}
