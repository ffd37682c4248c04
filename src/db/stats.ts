/**
 * The reads of `stats`: the calendar first (the period depends on it), then ONE D1 batch of a fixed
 * number of statements whatever the period or the roster (aggregates GROUP BY zone; one row per
 * supervisor). The period's weeks travel as one JSON parameter (`json_each`), so a year is no more
 * statements than a week. Definitions: domain/stats.ts; they are the digest's (db/digest.ts).
 */
import { asc, count, eq, inArray, lt, or, isNull, sql } from "drizzle-orm";
import type { CalendarPeriod } from "../domain/calendar.ts";
import { OPEN_STATUSES } from "../domain/orders.ts";
import { CARRIED_NOTE } from "../domain/planner.ts";
import type { StatsData, StatsPeriod } from "../domain/stats.ts";
import { openDb, type Db } from "./client.ts";
import { schoolZone, statusAtEnd, zonesQuery } from "./digest-queries.ts";
import { calendarQuery } from "./planning.ts";
import { assignments, orderEvents, orders, people, problems, reports, schools } from "./schema.ts";

/*
 * The period's weeks are a `json_each` source inside drizzle's queries (`.from(weeksOf(...))`): one bound JSON
 * object {week: its Sunday}; `w.key` is the week, `w.value` its Sunday. Every expression is aliased (`.as`): a
 * D1 batch hands rows back as objects, so two result columns must never share a name.
 */
const weeksOf = (weeks: string) => sql`json_each(${weeks}) w`;
const WEEK = sql`w.key`;
const SUNDAY = sql`w.value`;

/** an instant's office-local date (`offset` is the SQLite modifier, e.g. '480 minutes') */
const localDate = (instant: typeof orders.closedAt, offset: string) => sql`date(${instant} / 1000, 'unixepoch', ${offset})`;
/** the order is open at `endMs` (its status then, see statusAtEnd) */
const openAtEnd = (endMs: number) => inArray(statusAtEnd(endMs), [...OPEN_STATUSES]);

/** the visits' sums shared by the zones and the supervisors; `currentWeek`: planned visits before it count as missed */
function visitSums(currentWeek: string) {
  return {
    planned: sql<number>`SUM(${assignments.status} IN ('planned', 'reported', 'missed'))`.as("planned"),
    reported: sql<number>`SUM(${assignments.status} = 'reported')`.as("reported"),
    missed: sql<number>`SUM(${assignments.status} = 'missed' OR (${assignments.status} = 'planned' AND ${assignments.week} < ${currentWeek}))`.as("missed"),
    onTime: sql<number>`SUM(IFNULL(${assignments.status} = 'reported' AND ${reports.visitDate} <= ${SUNDAY}, 0))`.as("onTime"),
  };
}

/** the period's visits by zone */
function visitsQuery(db: Db, weeks: string, currentWeek: string) {
  const { planned, reported, missed, onTime } = visitSums(currentWeek);
  return db
    .select({
      zone: schoolZone.as("zone"),
      planned,
      reported,
      missed,
      pending: sql<number>`SUM(${assignments.status} = 'planned' AND ${assignments.week} >= ${currentWeek})`.as("pending"),
      carried: sql<number>`SUM(${assignments.status} = 'moved' AND ${assignments.note} = ${CARRIED_NOTE})`.as("carried"),
      onTime,
    })
    .from(weeksOf(weeks))
    .innerJoin(assignments, sql`${assignments.week} = ${WEEK}`)
    .leftJoin(schools, eq(schools.code, assignments.schoolCode))
    .leftJoin(reports, eq(reports.assignmentId, assignments.id))
    .groupBy(schoolZone);
}

/** the period's reports by zone and kind, with how many were outside the plan */
function reportsQuery(db: Db, weeks: string) {
  return db
    .select({ zone: schoolZone.as("zone"), kind: reports.kind, n: count().as("n"), unplanned: sql<number>`SUM(${reports.assignmentId} IS NULL)`.as("unplanned") })
    .from(weeksOf(weeks))
    .innerJoin(reports, sql`${reports.week} = ${WEEK}`)
    .leftJoin(schools, eq(schools.code, reports.schoolCode))
    .groupBy(schoolZone, reports.kind);
}

/** active schools by zone, and how many were visited in each of the period's months with school days (`months`: [[from, to], …]) */
function coverageQuery(db: Db, months: string, monthCount: number) {
  const visited = db
    .select({ schoolCode: reports.schoolCode, months: sql<number>`COUNT(DISTINCT m.key)`.as("months") })
    .from(sql`json_each(${months}) m`)
    .innerJoin(reports, sql`${reports.visitDate} BETWEEN json_extract(m.value, '$[0]') AND json_extract(m.value, '$[1]')`)
    .groupBy(reports.schoolCode)
    .as("c");
  return db
    .select({
      zone: sql<string>`${schools.zoneCode}`.as("zone"),
      schools: count().as("schools"),
      covered: sql<number>`SUM(COALESCE(${visited.months}, 0) >= ${monthCount})`.as("covered"),
    })
    .from(schools)
    .leftJoin(visited, eq(visited.schoolCode, schools.code))
    .where(eq(schools.active, true))
    .groupBy(schools.zoneCode);
}

/** the period's visits by supervisor */
function supervisorsQuery(db: Db, weeks: string, currentWeek: string) {
  const { planned, reported, missed, onTime } = visitSums(currentWeek);
  return db
    .select({
      code: assignments.supervisorCode,
      name: sql<string>`COALESCE(${people.name}, ${assignments.supervisorCode})`.as("name"),
      zone: sql<string>`COALESCE(${people.zoneCode}, '')`.as("zone"),
      planned,
      reported,
      missed,
      onTime,
    })
    .from(weeksOf(weeks))
    .innerJoin(assignments, sql`${assignments.week} = ${WEEK}`)
    .leftJoin(people, eq(people.code, assignments.supervisorCode))
    .leftJoin(reports, eq(reports.assignmentId, assignments.id))
    .groupBy(assignments.supervisorCode)
    .orderBy(asc(assignments.supervisorCode));
}

/** the period's problems by zone, item, topic and severity, with their rectification as of `endMs` and `asOf` */
function problemsQuery(db: Db, weeks: string, endMs: number, offset: string, asOf: string) {
  const closedBeforeEnd = sql`${orders.status} = 'closed' AND ${orders.closedAt} < ${endMs}`;
  const stillOpen = sql`NOT ${problems.fixedOnSpot} AND (${or(isNull(orders.id), openAtEnd(endMs))})`;
  return db
    .select({
      zone: schoolZone.as("zone"),
      item: problems.item,
      topic: problems.topic,
      severity: problems.severity,
      n: count().as("n"),
      fixedOnSpot: sql<number>`SUM(${problems.fixedOnSpot})`.as("fixedOnSpot"),
      rectified: sql<number>`SUM(IFNULL(${closedBeforeEnd}, 0))`.as("rectified"),
      rectifiedOnTime: sql<number>`SUM(IFNULL(${closedBeforeEnd} AND ${localDate(orders.closedAt, offset)} <= ${orders.dueDate}, 0))`.as("rectifiedOnTime"),
      open: sql<number>`SUM(${stillOpen})`.as("open"),
      overdue: sql<number>`SUM(${stillOpen} AND IFNULL(COALESCE(${orders.dueDate}, ${problems.deadline}) < ${asOf}, 0))`.as("overdue"),
    })
    .from(weeksOf(weeks))
    .innerJoin(problems, sql`${problems.week} = ${WEEK}`)
    .leftJoin(schools, eq(schools.code, problems.schoolCode))
    .leftJoin(orders, eq(orders.id, problems.orderId))
    .groupBy(schoolZone, problems.item, problems.topic, problems.severity);
}

/** orders issued before the period's end by zone and kind: what happened in the period, and what is open at its end */
function ordersQuery(db: Db, period: StatsPeriod, offset: string) {
  const { startMs, endMs, asOf, escalationCutoff } = period;
  const issuedIn = sql`${orders.issuedAt} >= ${startMs}`;
  const closedIn = sql`${orders.status} = 'closed' AND ${orders.closedAt} >= ${startMs} AND ${orders.closedAt} < ${endMs}`;
  const extended = sql`EXISTS (SELECT 1 FROM ${orderEvents} WHERE ${orderEvents.orderId} = ${orders.id} AND ${orderEvents.action} IN ('extended', 'extension_approved') AND ${orderEvents.at} < ${endMs})`;
  return db
    .select({
      zone: schoolZone.as("zone"),
      kind: orders.kind,
      issued: sql<number>`SUM(${issuedIn})`.as("issued"),
      acknowledged: sql<number>`SUM(${issuedIn} AND ${orders.acknowledgedAt} IS NOT NULL AND ${orders.acknowledgedAt} < ${endMs})`.as("acknowledged"),
      closed: sql<number>`SUM(${closedIn})`.as("closed"),
      closedOnTime: sql<number>`SUM(${closedIn} AND ${localDate(orders.closedAt, offset)} <= ${orders.dueDate})`.as("closedOnTime"),
      extended: sql<number>`SUM(${issuedIn} AND ${extended})`.as("extended"),
      open: sql<number>`SUM(${openAtEnd(endMs)})`.as("open"),
      overdue: sql<number>`SUM(${openAtEnd(endMs)} AND ${orders.dueDate} < ${asOf})`.as("overdue"),
      escalated: sql<number>`SUM(${openAtEnd(endMs)} AND ${orders.dueDate} < ${escalationCutoff})`.as("escalated"),
    })
    .from(orders)
    .leftJoin(schools, eq(schools.code, orders.schoolCode))
    .where(lt(orders.issuedAt, endMs))
    .groupBy(schoolZone, orders.kind);
}

export async function loadStatsCalendar(d1: D1Database): Promise<CalendarPeriod[]> {
  return calendarQuery(openDb(d1));
}

/** Everything `stats` counts for a period, in one D1 batch. `offset` is the SQLite modifier of the office's UTC offset. */
export async function loadStats(d1: D1Database, period: StatsPeriod, offset: string): Promise<StatsData> {
  const db = openDb(d1);
  const weeks = JSON.stringify(period.sundays);
  const months = JSON.stringify(period.months.map((m) => [m.from, m.to]));
  const [zones, visits, reportRows, coverage, supervisors, problemRows, orderRows] = await db.batch([
    zonesQuery(db),
    visitsQuery(db, weeks, period.currentWeek),
    reportsQuery(db, weeks),
    coverageQuery(db, months, period.months.length),
    supervisorsQuery(db, weeks, period.currentWeek),
    problemsQuery(db, weeks, period.endMs, offset, period.asOf),
    ordersQuery(db, period, offset),
  ]);
  return { period, zones, visits, reports: reportRows, coverage, supervisors, problems: problemRows, orders: orderRows };
}
