/**
 * The digest's statements, one per part (zones, visits, problems, orders, escalations, unvisited schools, misses,
 * feedback, the personal lines): digest.ts runs them as ONE D1 batch; stats.ts shares the zone and status parts.
 */
import { and, asc, between, count, eq, gte, inArray, isNotNull, lt, lte, notExists, sql } from "drizzle-orm";
import { OPEN_STATUSES, type OrderStatus } from "../domain/orders.ts";
import { CARRIED_NOTE } from "../domain/planner.ts";
import type { Db } from "./client.ts";
import { assignments, feedback, orders, people, photos, problems, reports, schools, zones } from "./schema.ts";

/*
 * Every expression is aliased (`.as`): a D1 batch hands rows back as objects, so two result columns must never
 * share a name (drizzle reads them back by position from the object's keys).
 */

/** an order's status at the week's end (`endMs`): closed or cancelled after it still counts as open then */
export const statusAtEnd = (endMs: number) =>
  sql<OrderStatus>`(CASE WHEN ${orders.status} = 'closed' AND ${orders.closedAt} >= ${endMs} THEN 'reported'
  WHEN ${orders.status} = 'cancelled' AND ${orders.updatedAt} >= ${endMs} THEN 'issued' ELSE ${orders.status} END)`;

/** the zone of the school a row joins (`''` when the school is unknown) */
export const schoolZone = sql<string>`COALESCE(${schools.zoneCode}, '')`;

/** the zones with their leads' contacts */
export function zonesQuery(db: Db) {
  return db
    .select({ code: zones.code, name: zones.name, level: zones.level, district: zones.district, leadCode: zones.leadCode, leadOpenId: people.openId, leadLang: people.lang })
    .from(zones)
    .leftJoin(people, and(eq(people.code, zones.leadCode), eq(people.active, true)))
    .orderBy(asc(zones.code));
}

/** the week's visits by zone */
export function visitsQuery(db: Db, week: string) {
  return db
    .select({
      zone: schoolZone.as("zone"),
      planned: sql<number>`SUM(${assignments.status} IN ('planned', 'reported', 'missed'))`.as("planned"),
      reported: sql<number>`SUM(${assignments.status} = 'reported')`.as("reported"),
      missed: sql<number>`SUM(${assignments.status} IN ('planned', 'missed'))`.as("missed"),
      carried: sql<number>`SUM(${assignments.status} = 'moved' AND ${assignments.note} = ${CARRIED_NOTE})`.as("carried"),
    })
    .from(assignments)
    .leftJoin(schools, eq(schools.code, assignments.schoolCode))
    .where(eq(assignments.week, week))
    .groupBy(schoolZone);
}

/** the week's problems by zone, item, topic and severity */
export function problemsQuery(db: Db, week: string) {
  return db
    .select({ zone: schoolZone.as("zone"), item: problems.item, topic: problems.topic, severity: problems.severity, n: count().as("n") })
    .from(problems)
    .leftJoin(schools, eq(schools.code, problems.schoolCode))
    .where(eq(problems.week, week))
    .groupBy(schoolZone, problems.item, problems.topic, problems.severity);
}

/** the week's serious problems, the first `perZone` of each zone (by id), with how many photos they have */
export function seriousQuery(db: Db, week: string, perZone: number) {
  const numbered = db
    .select({
      zone: schoolZone.as("zone"),
      problemId: sql<number>`${problems.id}`.as("problemId"),
      schoolCode: sql<string>`${problems.schoolCode}`.as("schoolCode"),
      schoolName: sql<string>`COALESCE(${schools.name}, ${problems.schoolCode})`.as("schoolName"),
      item: problems.item,
      topic: problems.topic,
      description: sql<string>`substr(${problems.description}, 1, 120)`.as("description"),
      photos: sql<number>`(SELECT COUNT(*) FROM ${photos} WHERE ${photos.state} = 'attached'
        AND ((${photos.subjectKind} = 'report' AND ${photos.subjectId} = ${problems.reportId}) OR (${photos.subjectKind} = 'order' AND ${photos.subjectId} = ${problems.orderId})))`.as("photos"),
      rn: sql<number>`ROW_NUMBER() OVER (PARTITION BY ${schoolZone} ORDER BY ${problems.id})`.as("rn"),
    })
    .from(problems)
    .leftJoin(schools, eq(schools.code, problems.schoolCode))
    .where(and(eq(problems.week, week), eq(problems.severity, "serious")))
    .as("numbered");
  return db
    .select({
      zone: numbered.zone,
      problemId: numbered.problemId,
      schoolCode: numbered.schoolCode,
      schoolName: numbered.schoolName,
      item: numbered.item,
      topic: numbered.topic,
      description: numbered.description,
      photos: numbered.photos,
    })
    .from(numbered).where(lte(numbered.rn, perZone)).orderBy(asc(numbered.problemId));
}
/** orders issued before the week's end by zone, status at the end and due date, with how many were issued / closed in the week */
export function ordersQuery(db: Db, startMs: number, endMs: number) {
  const status = statusAtEnd(endMs);
  return db
    .select({
      zone: schoolZone.as("zone"),
      status: status.as("status"),
      dueDate: orders.dueDate,
      n: count().as("n"),
      issued: sql<number>`SUM(${orders.issuedAt} >= ${startMs})`.as("issued"),
      closed: sql<number>`SUM(${orders.status} = 'closed' AND ${orders.closedAt} >= ${startMs} AND ${orders.closedAt} < ${endMs})`.as("closed"),
    })
    .from(orders)
    .leftJoin(schools, eq(schools.code, orders.schoolCode))
    .where(lt(orders.issuedAt, endMs))
    .groupBy(schoolZone, status, orders.dueDate);
}

/**
 * Orders open at the week's end and due before `cutoff`, the first `perZone` of each zone (by due date, number).
 * Only orders open at the week's end are numbered, so finished ones (a year's worth) cannot push them off the list.
 */
export function escalationsQuery(db: Db, endMs: number, cutoff: string, perZone: number) {
  const atEnd = db
    .select({
      zone: schoolZone.as("zone"),
      number: orders.number,
      schoolCode: sql<string>`${orders.schoolCode}`.as("schoolCode"),
      schoolName: sql<string>`COALESCE(${schools.name}, ${orders.schoolCode})`.as("schoolName"),
      dueDate: sql<string>`${orders.dueDate}`.as("dueDate"),
      status: statusAtEnd(endMs).as("status"),
    })
    .from(orders)
    .leftJoin(schools, eq(schools.code, orders.schoolCode))
    .where(and(lt(orders.issuedAt, endMs), lt(orders.dueDate, cutoff)))
    .as("at_end");
  const numbered = db
    .select({
      zone: atEnd.zone,
      number: atEnd.number,
      schoolCode: atEnd.schoolCode,
      schoolName: atEnd.schoolName,
      dueDate: atEnd.dueDate,
      status: atEnd.status,
      rn: sql<number>`ROW_NUMBER() OVER (PARTITION BY ${atEnd.zone} ORDER BY ${atEnd.dueDate}, ${atEnd.number})`.as("rn"),
    })
    .from(atEnd)
    .where(inArray(atEnd.status, [...OPEN_STATUSES]))
    .as("numbered");
  return db
    .select({
      zone: numbered.zone,
      number: numbered.number,
      schoolCode: numbered.schoolCode,
      schoolName: numbered.schoolName,
      dueDate: numbered.dueDate,
      status: numbered.status,
    })
    .from(numbered)
    .where(lte(numbered.rn, perZone))
    .orderBy(asc(numbered.dueDate), asc(numbered.number));
}

/** active schools with no visit from `from` to `to`, the first `perZone` of each zone (by code), with the zone's total */
export function unvisitedQuery(db: Db, from: string, to: string, perZone: number) {
  const numbered = db
    .select({
      zone: sql<string>`${schools.zoneCode}`.as("zone"),
      code: schools.code,
      name: schools.name,
      total: sql<number>`COUNT(*) OVER (PARTITION BY ${schools.zoneCode})`.as("total"),
      rn: sql<number>`ROW_NUMBER() OVER (PARTITION BY ${schools.zoneCode} ORDER BY ${schools.code})`.as("rn"),
    })
    .from(schools)
    .where(
      and(
        eq(schools.active, true),
        notExists(
          db
            .select({ one: sql`1` })
            .from(reports)
            .where(and(eq(reports.schoolCode, schools.code), between(reports.visitDate, from, to))),
        ),
      ),
    )
    .as("numbered");
  return db
    .select({ zone: numbered.zone, code: numbered.code, name: numbered.name, total: numbered.total })
    .from(numbered)
    .where(lte(numbered.rn, perZone))
    .orderBy(asc(numbered.zone), asc(numbered.code));
}

/** supervisors who missed two or more visits from `fromWeek` to `toWeek` */
export function missesQuery(db: Db, fromWeek: string, toWeek: string) {
  return db
    .select({
      code: assignments.supervisorCode,
      name: sql<string>`COALESCE(${people.name}, ${assignments.supervisorCode})`.as("name"),
      zone: sql<string>`COALESCE(${people.zoneCode}, '')`.as("zone"),
      missed: count().as("missed"),
    })
    .from(assignments)
    .leftJoin(people, eq(people.code, assignments.supervisorCode))
    .where(and(between(assignments.week, fromWeek, toWeek), inArray(assignments.status, ["planned", "missed"])))
    .groupBy(assignments.supervisorCode)
    .having(gte(count(), 2));
}

/** public feedback received from `startMs` to `endMs`, by zone (replied and visited as of now) */
export function feedbackQuery(db: Db, startMs: number, endMs: number) {
  return db
    .select({
      zone: sql<string>`${schools.zoneCode}`.as("zone"),
      received: count().as("received"),
      replied: sql<number>`SUM(${feedback.status} = 'replied')`.as("replied"),
      visited: sql<number>`SUM(EXISTS (SELECT 1 FROM ${reports} WHERE ${reports.submissionKey} = 'extra:feedback:' || ${feedback.reference}))`.as("visited"),
    })
    .from(feedback)
    .innerJoin(schools, eq(schools.code, feedback.schoolCode))
    .where(and(gte(feedback.receivedAt, startMs), lt(feedback.receivedAt, endMs)))
    .groupBy(schools.zoneCode);
}

/** Job only: the personal lines (the week's visits, orders waiting for the supervisor's schools as of `nowMs`) */
export function peopleQuery(db: Db, week: string, nowMs: number) {
  const visits = db
    .select({
      supervisorCode: assignments.supervisorCode,
      done: sql<number>`SUM(${assignments.status} = 'reported')`.as("done"),
      missed: sql<number>`SUM(${assignments.status} IN ('planned', 'missed'))`.as("missed"),
    })
    .from(assignments)
    .where(eq(assignments.week, week))
    .groupBy(assignments.supervisorCode)
    .as("v");
  const waiting = db
    .select({ supervisorCode: schools.supervisorCode, waiting: count().as("waiting") })
    .from(orders)
    .innerJoin(schools, eq(schools.code, orders.schoolCode))
    .where(and(inArray(orders.status, ["issued", "acknowledged"]), lte(orders.issuedAt, nowMs)))
    .groupBy(schools.supervisorCode)
    .as("w");
  const done = sql<number>`COALESCE(${visits.done}, 0)`;
  const missed = sql<number>`COALESCE(${visits.missed}, 0)`;
  const waits = sql<number>`COALESCE(${waiting.waiting}, 0)`;
  return db
    .select({ code: people.code, name: people.name, openId: sql<string>`${people.openId}`.as("openId"), lang: people.lang, done: done.as("done"), missed: missed.as("missed"), waiting: waits.as("waiting") })
    .from(people)
    .leftJoin(visits, eq(visits.supervisorCode, people.code))
    .leftJoin(waiting, eq(waiting.supervisorCode, people.code))
    .where(and(eq(people.role, "supervisor"), eq(people.active, true), isNotNull(people.openId), sql`${done} + ${missed} + ${waits} > 0`))
    .orderBy(asc(people.code));
}
