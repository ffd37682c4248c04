import { and, asc, between, eq, exists, gte, inArray, isNull, lt, lte, max, notInArray, or, sql } from "drizzle-orm";
import { chunkForJson, openDb, type Db } from "./client.ts";
import { assignments, calendarPeriods, leaves, orders, people, planRuns, reports, schools, settings, zones } from "./schema.ts";
import type { CalendarPeriod } from "../domain/calendar.ts";
import {
  planningWindow,
  type PlannedVisit,
  type PlannerInput,
  type PlanSchool,
} from "../domain/planner.ts";
import { weekStart, type IsoWeek } from "../domain/time.ts";

/**
 * Queries of the weekly plan. A week's plan is a fixed handful of D1 statements whatever the roster size:
 * ONE batch of 10 reads (loadPlanning), ONE batch of json_each inserts (storePlan: one statement per ~400 KB chunk,
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

/** The school calendar's periods in date order (the planner's, the digest's and the figures'). */
export function calendarQuery(db: Db) {
  return db
    .select({ id: calendarPeriods.id, kind: calendarPeriods.kind, name: calendarPeriods.name, startDate: calendarPeriods.startDate, endDate: calendarPeriods.endDate })
    .from(calendarPeriods)
    .orderBy(asc(calendarPeriods.startDate), asc(calendarPeriods.id));
}

function runQuery(db: Db, week: string) {
  return db.select({ week: planRuns.week, plannedAt: planRuns.plannedAt, sentAt: planRuns.sentAt }).from(planRuns).where(eq(planRuns.week, week));
}

/** The reads of loadPlanning, in its batch's order. Aliased expressions: a D1 batch returns rows as objects, so no two columns may share a name. */
function planningQueries(db: Db, week: IsoWeek) {
  const window = planningWindow(week);
  const monday = weekStart(week);
  return [
    db
      .select({ code: schools.code, name: schools.name, address: schools.address, zoneCode: schools.zoneCode, supervisorCode: schools.supervisorCode, visitsPerMonth: schools.visitsPerMonth })
      .from(schools)
      .where(eq(schools.active, true)),
    db
      .select({ code: people.code, name: people.name, zoneCode: people.zoneCode, openId: people.openId, lang: people.lang })
      .from(people)
      .where(and(eq(people.role, "supervisor"), eq(people.active, true))),
    db.select({ code: zones.code, name: zones.name }).from(zones),
    calendarQuery(db),
    db
      .select({
        id: assignments.id,
        week: assignments.week,
        supervisorCode: assignments.supervisorCode,
        schoolCode: assignments.schoolCode,
        reason: assignments.reason,
        status: assignments.status,
        topic: assignments.topic,
        orderId: assignments.orderId,
        note: assignments.note,
        movedToWeek: assignments.movedToWeek,
      })
      .from(assignments)
      .where(or(between(assignments.week, window.fromWeek, window.toWeek), eq(assignments.movedToWeek, week))),
    db
      .select({ personCode: leaves.personCode, fromDate: leaves.fromDate, toDate: leaves.toDate })
      .from(leaves)
      .where(and(gte(leaves.toDate, window.fromDate), lte(leaves.fromDate, window.toDate))),
    db
      .select({
        orderId: orders.id,
        schoolCode: orders.schoolCode,
        dueDate: orders.dueDate,
        status: orders.status,
        // nested builders, not column templates: in a one-table select drizzle leaves a template's columns unqualified
        lastFollowUpVisit: sql<string | null>`(${db
          .select({ last: max(reports.visitDate) })
          .from(reports)
          .where(and(eq(reports.schoolCode, orders.schoolCode), eq(reports.kind, "follow_up")))})`.as("lastFollowUpVisit"),
        followUpPlanned: exists(
          db
            .select({ one: sql`1` })
            .from(assignments)
            .where(and(eq(assignments.orderId, orders.id), eq(assignments.reason, "follow_up"), inArray(assignments.status, ["planned", "reported"]))),
        ).as("followUpPlanned"),
      })
      .from(orders)
      .where(and(notInArray(orders.status, ["closed", "cancelled"]), lt(orders.dueDate, monday), inArray(orders.kind, FOLLOW_UP_ORDER_KINDS))),
    db
      .select({ schoolCode: reports.schoolCode, visitDate: reports.visitDate })
      .from(reports)
      .where(and(isNull(reports.assignmentId), between(reports.visitDate, window.fromDate, window.toDate))),
    db.select({ key: settings.key, value: settings.value }).from(settings).where(inArray(settings.key, ["max_visits_per_week", "special_topics"])),
    runQuery(db, week),
  ] as const;
}

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

/** Everything the planner needs for `week`, in ONE D1 batch (10 statements). */
export async function loadPlanning(d1: D1Database, week: IsoWeek): Promise<PlanningData> {
  const db = openDb(d1);
  const [schoolRows, supervisors, zoneRows, calendar, stored, leaveRows, orderRows, visits, settingRows, run] = await db.batch(planningQueries(db, week));
  const schools: SchoolInfo[] = schoolRows;
  const settings = new Map(settingRows.map((row) => [row.key, row.value]));
  const orders = orderRows.map((o) => ({ ...o, followUpPlanned: Boolean(o.followUpPlanned) }));
  const input: PlannerInput = {
    week,
    schools,
    supervisors,
    calendar,
    assignments: stored,
    leaves: leaveRows,
    orders,
    visits,
    specialTopics: readSpecialTopics(settings.get("special_topics")),
    maxVisitsPerWeek: readMaxVisits(settings.get("max_visits_per_week")),
  };
  return {
    input,
    schools: new Map(schools.map((s) => [s.code, s])),
    supervisors: new Map(supervisors.map((s) => [s.code, s])),
    zones: new Map(zoneRows.map((z) => [z.code, z.name])),
    run: run[0] ?? null,
  };
}

/** Hand-written: a json_each fan-out (drizzle has no insert-from-JSON); its RETURNING rows are read raw by sendPlan, hence the aliases. */
export const INSERT_ASSIGNMENTS_SQL = `INSERT INTO assignments (week, supervisor_code, school_code, reason, topic, order_id, status, note, moved_to_week, created_at, updated_at)
SELECT json_extract(value, '$.week'), json_extract(value, '$.supervisorCode'), json_extract(value, '$.schoolCode'),
       json_extract(value, '$.reason'), json_extract(value, '$.topic'), json_extract(value, '$.orderId'),
       json_extract(value, '$.status'), json_extract(value, '$.note'), json_extract(value, '$.movedToWeek'), ?1, ?1
FROM json_each(?2) WHERE true
ON CONFLICT(week, supervisor_code, school_code) DO NOTHING
RETURNING ${ASSIGNMENT_COLUMNS}`;

/** The insert statements of a plan's new rows (planned and carried over), one per chunk, plus the plan_runs row. */
export function planInsertStatements(d1: D1Database, week: IsoWeek, rows: readonly PlannedVisit[], nowMs: number): (D1PreparedStatement | { toSQL(): { sql: string; params: unknown[] } })[] {
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
    openDb(d1).insert(planRuns).values({ week, plannedAt: nowMs }).onConflictDoNothing({ target: planRuns.week }),
  ];
}

export async function loadCalendar(d1: D1Database): Promise<CalendarPeriod[]> {
  return calendarQuery(openDb(d1));
}

export async function planRun(d1: D1Database, week: IsoWeek): Promise<PlanRun | null> {
  return (await runQuery(openDb(d1), week).get()) ?? null;
}

export async function readSetting(d1: D1Database, key: string): Promise<string | undefined> {
  const row = await openDb(d1).select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get();
  return row?.value;
}

export function upsertSetting(d1: D1Database, key: string, value: string, nowMs: number) {
  return openDb(d1)
    .insert(settings)
    .values({ key, value, updatedAt: nowMs })
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at` } });
}
