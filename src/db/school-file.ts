/** Reads for the school's file (督导档案): one D1 batch, each list cut to the newest rows, with counts of the whole. */
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { unionAll } from "drizzle-orm/sqlite-core";
import { FILE_PHOTOS, FILE_ROWS, type FilePhoto, type SchoolFileData, type SchoolHeader } from "../domain/school-file.ts";
import { isoWeekOf, type IsoDate } from "../domain/time.ts";
import { openDb } from "./client.ts";
import { zoneDistrictOrNone, zoneLevelOrCity } from "./fragments.ts";
import { assignments, calendarPeriods, orders, people, photos, problems, reports, schools, zones } from "./schema.ts";

// the file's shapes are the domain's (its card renders them); re-exported for the storage layer's users
export type { FileOrder, FilePhoto, FileProblem, FileVisit, SchoolFileData, SchoolHeader } from "../domain/school-file.ts";

export async function schoolHeader(d1: D1Database, code: string): Promise<SchoolHeader | null> {
  const row = await openDb(d1)
    .select({
      code: schools.code,
      name: schools.name,
      zoneCode: schools.zoneCode,
      zoneName: zones.name,
      supervisorCode: schools.supervisorCode,
      supervisorName: people.name,
    })
    .from(schools)
    .leftJoin(zones, eq(zones.code, schools.zoneCode))
    .leftJoin(people, eq(people.code, schools.supervisorCode))
    .where(eq(schools.code, code))
    .get();
  return row ?? null;
}

export async function termPeriods(d1: D1Database): Promise<{ name: string; startDate: string; endDate: string }[]> {
  return openDb(d1)
    .select({ name: calendarPeriods.name, startDate: calendarPeriods.startDate, endDate: calendarPeriods.endDate })
    .from(calendarPeriods)
    .where(eq(calendarPeriods.kind, "term"))
    .orderBy(asc(calendarPeriods.startDate));
}

const OPEN = ["issued", "acknowledged", "reported"] as const;

/** Everything the file shows of one school since `from` (visits) and overall (problems, orders, photos). */
export async function schoolFile(d1: D1Database, schoolCode: string, from: IsoDate, today: IsoDate): Promise<SchoolFileData> {
  const db = openDb(d1);
  const fromWeek = isoWeekOf(from);
  // the planned visits since `from` (with their report, if any), and the reports made without a plan
  const visits = unionAll(
    db
      .select({
        week: assignments.week,
        visitDate: sql<string | null>`${reports.visitDate}`.as("visitDate"),
        reason: sql<string | null>`${assignments.reason}`.as("reason"),
        kind: sql<string | null>`${reports.kind}`.as("kind"),
        status: sql<string>`${assignments.status}`.as("status"),
      })
      .from(assignments)
      .leftJoin(reports, eq(reports.assignmentId, assignments.id))
      .where(and(eq(assignments.schoolCode, schoolCode), gte(assignments.week, fromWeek))),
    db
      .select({
        week: reports.week,
        visitDate: sql<string | null>`${reports.visitDate}`.as("visitDate"),
        reason: sql<string | null>`NULL`.as("reason"),
        kind: sql<string | null>`${reports.kind}`.as("kind"),
        status: sql<string>`'reported'`.as("status"),
      })
      .from(reports)
      .where(and(eq(reports.schoolCode, schoolCode), isNull(reports.assignmentId), gte(reports.visitDate, from))),
  ).as("v");
  const problemFixed = sql`(${problems.fixedOnSpot} = 1 OR ${orders.status} = 'closed')`;
  const isOpen = inArray(orders.status, OPEN);
  const photosOfSchool = and(
    eq(photos.state, "attached"),
    or(
      and(eq(photos.subjectKind, "report"), inArray(photos.subjectId, db.select({ id: reports.id }).from(reports).where(eq(reports.schoolCode, schoolCode)))),
      and(eq(photos.subjectKind, "order"), inArray(photos.subjectId, db.select({ id: orders.id }).from(orders).where(eq(orders.schoolCode, schoolCode)))),
    ),
  );
  // in a batch D1 returns rows as objects, mapped back by column name: every computed column is named (`.as`), none twice
  const [visitRows, visitCounts, problemRows, problemCounts, orderRows, orderCounts, photoRows, photoCount] = await db.batch([
    db.select().from(visits).orderBy(desc(visits.week), desc(visits.visitDate)).limit(FILE_ROWS),
    db.select({ status: visits.status, n: count().as("n") }).from(visits).groupBy(sql`${visits.status}`),
    db
      .select({
        item: problems.item,
        topic: problems.topic,
        description: problems.description,
        severity: problems.severity,
        // 0/1 as stored (the column reads as a boolean)
        fixedOnSpot: sql<number>`${problems.fixedOnSpot}`.as("fixedOnSpot"),
        deadline: problems.deadline,
        orderStatus: orders.status,
        visitDate: reports.visitDate,
      })
      .from(problems)
      .innerJoin(reports, eq(reports.id, problems.reportId))
      .leftJoin(orders, eq(orders.id, problems.orderId))
      .where(eq(problems.schoolCode, schoolCode))
      .orderBy(problemFixed, desc(reports.visitDate), desc(problems.id))
      .limit(FILE_ROWS),
    db
      .select({
        open: sql<number | null>`SUM(CASE WHEN ${problemFixed} THEN 0 ELSE 1 END)`.as("open"),
        fixed: sql<number | null>`SUM(CASE WHEN ${problemFixed} THEN 1 ELSE 0 END)`.as("fixed"),
      })
      .from(problems)
      .leftJoin(orders, eq(orders.id, problems.orderId))
      .where(eq(problems.schoolCode, schoolCode)),
    db
      .select({ number: orders.number, kind: orders.kind, status: orders.status, dueDate: orders.dueDate })
      .from(orders)
      .where(eq(orders.schoolCode, schoolCode))
      .orderBy(sql`CASE WHEN ${isOpen} THEN 0 ELSE 1 END`, desc(orders.dueDate), desc(orders.id))
      .limit(FILE_ROWS),
    db
      .select({
        total: count().as("total"),
        open: sql<number | null>`SUM(CASE WHEN ${isOpen} THEN 1 ELSE 0 END)`.as("open"),
        overdue: sql<number | null>`SUM(CASE WHEN ${isOpen} AND ${lt(orders.dueDate, today)} THEN 1 ELSE 0 END)`.as("overdue"),
      })
      .from(orders)
      .where(eq(orders.schoolCode, schoolCode)),
    db
      .select({
        id: photos.id,
        subjectKind: photos.subjectKind,
        subjectId: photos.subjectId,
        r2Key: photos.r2Key,
        imageKey: photos.imageKey,
        contentType: photos.contentType,
        receivedAt: photos.receivedAt,
      })
      .from(photos)
      .where(photosOfSchool)
      .orderBy(desc(photos.receivedAt), desc(photos.id))
      .limit(FILE_PHOTOS),
    db.select({ n: count().as("n") }).from(photos).where(photosOfSchool),
  ]);
  const problemTotals = problemCounts[0];
  const orderTotals = orderCounts[0];
  return {
    visits: visitRows,
    visitCounts: Object.fromEntries(visitCounts.map((row) => [row.status, row.n])),
    problems: problemRows,
    problemCounts: { open: problemTotals?.open ?? 0, fixed: problemTotals?.fixed ?? 0 },
    orders: orderRows,
    orderCounts: { total: orderTotals?.total ?? 0, open: orderTotals?.open ?? 0, overdue: orderTotals?.overdue ?? 0 },
    // attached photos of a report or an order: their subject is one of the two, with an id
    photos: photoRows as FilePhoto[],
    photoCount: photoCount[0]?.n ?? 0,
  };
}

/** An active school with what decides who may see its file (domain/school-access.ts). */
export interface SchoolAccessRow {
  code: string;
  name: string;
  supervisorCode: string | null;
  zoneCode: string;
  zoneLevel: "city" | "district";
  zoneDistrict: string;
}

/** Every active school with its zone's level and district (a school without a zone reads as the city's). */
export async function activeSchoolsWithAccess(d1: D1Database): Promise<SchoolAccessRow[]> {
  return openDb(d1)
    .select({
      code: schools.code,
      name: schools.name,
      supervisorCode: schools.supervisorCode,
      zoneCode: schools.zoneCode,
      zoneLevel: zoneLevelOrCity,
      zoneDistrict: zoneDistrictOrNone,
    })
    .from(schools)
    .leftJoin(zones, eq(zones.code, schools.zoneCode))
    .where(eq(schools.active, true))
    .orderBy(asc(schools.code));
}
