/**
 * Visit reports storage. Reads go straight to D1; writes are returned as
 * statements for one D1 batch (report, version, problems, assignment status,
 * rectification items, alerts all commit together or not at all).
 *
 * Ids of a new report and its problems are taken as MAX(id)+1… before the
 * batch, so the problems can name their report and the rectification items
 * their problem inside the same batch. Two submissions racing for the same ids
 * make the second batch fail as a whole (primary key): the caller retries.
 */
import type { SEVERITIES } from "./schema.ts";
import type { ProblemInput, ReportContent } from "../domain/report-form.ts";
import { readStoredContent } from "../domain/report-form.ts";
import { chunkForJson, openDb } from "./client.ts";
import type { Db } from "./client.ts";
import { assignments, digests, orders, people, problems, reports, reportVersions, schools } from "./schema.ts";
import { and, asc, count, desc, eq, inArray, isNotNull, lte, ne, sql, type SQL } from "drizzle-orm";

export interface AssignmentRecord {
  id: number;
  week: string;
  supervisorCode: string;
  schoolCode: string;
  reason: string;
  topic: string | null;
  status: "planned" | "reported" | "missed" | "moved" | "cancelled";
  movedToWeek: string | null;
  schoolName: string;
  supervisorName: string;
}

export async function loadAssignment(d1: D1Database, id: number): Promise<AssignmentRecord | null> {
  const row = await openDb(d1)
    .select({
      id: assignments.id,
      week: assignments.week,
      supervisorCode: assignments.supervisorCode,
      schoolCode: assignments.schoolCode,
      reason: assignments.reason,
      topic: assignments.topic,
      status: assignments.status,
      movedToWeek: assignments.movedToWeek,
      schoolName: sql<string>`COALESCE(${schools.name}, ${assignments.schoolCode})`,
      supervisorName: sql<string>`COALESCE(${people.name}, ${assignments.supervisorCode})`,
    })
    .from(assignments)
    .leftJoin(schools, eq(schools.code, assignments.schoolCode))
    .leftJoin(people, eq(people.code, assignments.supervisorCode))
    .where(eq(assignments.id, id))
    .get();
  return row ?? null;
}

/** The open (planned or missed) assignment of a supervisor at a school in a week, if any. */
export async function openAssignmentAt(d1: D1Database, week: string, supervisorCode: string, schoolCode: string): Promise<number | null> {
  const row = await openDb(d1)
    .select({ id: assignments.id })
    .from(assignments)
    .where(
      and(
        eq(assignments.week, week),
        eq(assignments.supervisorCode, supervisorCode),
        eq(assignments.schoolCode, schoolCode),
        inArray(assignments.status, ["planned", "missed"]),
      ),
    )
    .get();
  return row?.id ?? null;
}

export interface ReportRecord {
  id: number;
  assignmentId: number | null;
  schoolCode: string;
  supervisorCode: string;
  week: string;
  visitDate: string;
  kind: string;
  data: string;
  version: number;
  submittedBy: string;
  onBehalf: number;
  submissionKey: string;
  schoolName: string;
  supervisorName: string;
}

/** One report with its school's and supervisor's names (`where` picks it: by id, assignment or submission key). */
async function reportWhere(d1: D1Database, where: SQL): Promise<ReportRecord | null> {
  const row = await openDb(d1)
    .select({
      id: reports.id,
      assignmentId: reports.assignmentId,
      schoolCode: reports.schoolCode,
      supervisorCode: reports.supervisorCode,
      week: reports.week,
      visitDate: reports.visitDate,
      kind: reports.kind,
      data: reports.data,
      version: reports.version,
      submittedBy: reports.submittedBy,
      // the stored 0/1, as before (the schema's boolean mode would map it)
      onBehalf: sql<number>`${reports.onBehalf}`,
      submissionKey: reports.submissionKey,
      schoolName: sql<string>`COALESCE(${schools.name}, ${reports.schoolCode})`,
      supervisorName: sql<string>`COALESCE(${people.name}, ${reports.supervisorCode})`,
    })
    .from(reports)
    .leftJoin(schools, eq(schools.code, reports.schoolCode))
    .leftJoin(people, eq(people.code, reports.supervisorCode))
    .where(where)
    .get();
  return row ?? null;
}

export async function reportById(d1: D1Database, id: number): Promise<ReportRecord | null> {
  return reportWhere(d1, eq(reports.id, id));
}

export async function reportByAssignment(d1: D1Database, assignmentId: number): Promise<ReportRecord | null> {
  return reportWhere(d1, eq(reports.assignmentId, assignmentId));
}

export async function reportBySubmissionKey(d1: D1Database, key: string): Promise<ReportRecord | null> {
  return reportWhere(d1, eq(reports.submissionKey, key));
}

/** Reports of a week can change until the office digest of that week is sent. */
export async function digestSent(d1: D1Database, week: string): Promise<boolean> {
  const row = await openDb(d1)
    .select({ x: sql<number>`1` })
    .from(digests)
    .where(and(eq(digests.week, week), eq(digests.scope, "office")))
    .get();
  return Boolean(row);
}

/** The focus topic already on the week's assignments (the planner puts it there), if any. */
export async function topicOfWeek(d1: D1Database, week: string): Promise<string | null> {
  const row = await openDb(d1)
    .select({ topic: assignments.topic })
    .from(assignments)
    .where(and(eq(assignments.week, week), isNotNull(assignments.topic), ne(assignments.topic, "")))
    .limit(1)
    .get();
  return row?.topic ?? null;
}

export interface ProblemRecord {
  id: number;
  item: string;
  description: string;
  severity: (typeof SEVERITIES)[number];
  fixedOnSpot: number;
  deadline: string | null;
  orderNumber: string | null;
}

export async function problemsOfReport(d1: D1Database, reportId: number): Promise<ProblemRecord[]> {
  return openDb(d1)
    .select({
      id: problems.id,
      item: problems.item,
      description: problems.description,
      severity: problems.severity,
      // the stored 0/1, as before (the schema's boolean mode would map it)
      fixedOnSpot: sql<number>`${problems.fixedOnSpot}`,
      deadline: problems.deadline,
      orderNumber: orders.number,
    })
    .from(problems)
    .leftJoin(orders, eq(orders.id, problems.orderId))
    .where(eq(problems.reportId, reportId))
    .orderBy(asc(problems.id));
}

/** Who entered the latest version, when it was on someone's behalf. */
export async function latestEntry(d1: D1Database, reportId: number): Promise<{ submittedBy: string; onBehalf: number; name: string } | null> {
  const row = await openDb(d1)
    .select({
      submittedBy: reportVersions.submittedBy,
      onBehalf: sql<number>`${reportVersions.onBehalf}`,
      name: sql<string>`COALESCE(${people.name}, ${reportVersions.submittedBy})`,
    })
    .from(reportVersions)
    .leftJoin(people, eq(people.code, reportVersions.submittedBy))
    .where(eq(reportVersions.reportId, reportId))
    .orderBy(desc(reportVersions.version))
    .limit(1)
    .get();
  return row ?? null;
}

export async function nextIds(d1: D1Database): Promise<{ reportId: number; problemId: number }> {
  const db = openDb(d1);
  // one round trip: the aggregate over reports always yields one row; the problems' maximum rides along as a subquery
  const row = await db
    .select({
      r: sql<number>`COALESCE(MAX(${reports.id}), 0)`,
      p: sql<number>`(${db.select({ m: sql`COALESCE(MAX(${problems.id}), 0)` }).from(problems)})`,
    })
    .from(reports)
    .get();
  return { reportId: (row?.r ?? 0) + 1, problemId: (row?.p ?? 0) + 1 };
}

export function storedContent(report: Pick<ReportRecord, "data">): ReportContent | null {
  return readStoredContent(report.data);
}

export interface NewReport {
  id: number;
  assignmentId: number | null;
  schoolCode: string;
  supervisorCode: string;
  week: string;
  content: ReportContent;
  submittedBy: string;
  onBehalf: boolean;
  submissionKey: string;
}

/** A statement for a unit of work: a drizzle query (run through its toSQL) or a raw one. */
type Statement = D1PreparedStatement | { toSQL(): { sql: string; params: unknown[] } };

/** Statements creating a report, its first version and (when planned) the assignment's new status. */
export function newReportStatements(d1: D1Database, report: NewReport, nowMs: number): Statement[] {
  const db = openDb(d1);
  const data = JSON.stringify(report.content);
  const statements: Statement[] = [
    db.insert(reports).values({
      id: report.id,
      assignmentId: report.assignmentId,
      schoolCode: report.schoolCode,
      supervisorCode: report.supervisorCode,
      week: report.week,
      visitDate: report.content.visitDate,
      kind: report.content.kind,
      data,
      version: 1,
      submittedBy: report.submittedBy,
      onBehalf: report.onBehalf,
      submissionKey: report.submissionKey,
      createdAt: nowMs,
      updatedAt: nowMs,
    }),
    db.insert(reportVersions).values({ reportId: report.id, version: 1, data, submittedBy: report.submittedBy, onBehalf: report.onBehalf, submittedAt: nowMs }),
  ];
  if (report.assignmentId !== null) {
    statements.push(
      db
        .update(assignments)
        .set({ status: "reported", updatedAt: nowMs })
        .where(and(eq(assignments.id, report.assignmentId), inArray(assignments.status, ["planned", "missed"]))),
    );
  }
  return statements;
}

/**
 * Statements saving a new version of an existing report. The update is
 * conditional on the version the form was built from; the version row's
 * unique (report_id, version) index makes a lost race fail the whole batch.
 */
export function editReportStatements(
  d1: D1Database,
  edit: { reportId: number; fromVersion: number; content: ReportContent; submittedBy: string; onBehalf: boolean },
  nowMs: number,
): Statement[] {
  const data = JSON.stringify(edit.content);
  return [
    openDb(d1)
      .update(reports)
      .set({ data, visitDate: edit.content.visitDate, kind: edit.content.kind, version: sql`${reports.version} + 1`, updatedAt: nowMs })
      .where(and(eq(reports.id, edit.reportId), eq(reports.version, edit.fromVersion))),
    // hand-written: a conditional write (INSERT … SELECT: the version row exists only if the update above took)
    d1
      .prepare(
        `INSERT INTO report_versions (report_id, version, data, submitted_by, on_behalf, submitted_at)
         SELECT id, version, ?3, ?4, ?5, ?6 FROM reports WHERE id = ?1 AND version = ?2 + 1`,
      )
      .bind(edit.reportId, edit.fromVersion, data, edit.submittedBy, edit.onBehalf ? 1 : 0, nowMs),
  ];
}

/** Inserts the problems with the ids given (firstId, firstId + 1, …), in one statement per chunk. */
export function problemStatements(
  d1: D1Database,
  input: { reportId: number; firstId: number; schoolCode: string; week: string; topic: string | null; problems: readonly ProblemInput[] },
  nowMs: number,
): D1PreparedStatement[] {
  const rows = input.problems.map((p, i) => ({
    id: input.firstId + i,
    item: p.item,
    topic: p.item === "topic" ? input.topic : null,
    description: p.description,
    severity: p.severity,
    fixed: p.fixedOnSpot ? 1 : 0,
    deadline: p.deadline,
  }));
  // hand-written: a json_each fan-out (drizzle has no insert-from-JSON; one statement per chunk)
  return chunkForJson(rows).map((chunk) =>
    d1
      .prepare(
        `INSERT INTO problems (id, report_id, school_code, week, item, topic, description, severity, fixed_on_spot, deadline, order_id, created_at)
         SELECT json_extract(value, '$.id'), ?1, ?2, ?3, json_extract(value, '$.item'), json_extract(value, '$.topic'),
                json_extract(value, '$.description'), json_extract(value, '$.severity'), json_extract(value, '$.fixed'),
                json_extract(value, '$.deadline'), NULL, ?4
         FROM json_each(?5)`,
      )
      .bind(input.reportId, input.schoolCode, input.week, nowMs, JSON.stringify(chunk)),
  );
}

export interface UnreportedVisit {
  assignmentId: number;
  supervisorCode: string;
  supervisorName: string;
  openId: string | null;
  lang: string;
  schoolCode: string;
  schoolName: string;
  reason: string;
}

/** Every planned, unreported visit of a week with its supervisor's contact (one query). */
export async function unreportedVisits(d1: D1Database, week: string): Promise<UnreportedVisit[]> {
  return openDb(d1)
    .select({
      assignmentId: assignments.id,
      supervisorCode: assignments.supervisorCode,
      supervisorName: sql<string>`COALESCE(${people.name}, ${assignments.supervisorCode})`,
      openId: people.openId,
      lang: sql<string>`COALESCE(${people.lang}, 'zh')`,
      schoolCode: assignments.schoolCode,
      schoolName: sql<string>`COALESCE(${schools.name}, ${assignments.schoolCode})`,
      reason: assignments.reason,
    })
    .from(assignments)
    .leftJoin(people, and(eq(people.code, assignments.supervisorCode), eq(people.active, true)))
    .leftJoin(schools, eq(schools.code, assignments.schoolCode))
    .where(and(eq(assignments.week, week), eq(assignments.status, "planned")))
    .orderBy(asc(assignments.supervisorCode), asc(assignments.schoolCode));
}

/** Marks every still-planned visit of `week` and earlier as missed (one statement). */
export function markMissedStatement(d1: D1Database, week: string, nowMs: number) {
  return openDb(d1)
    .update(assignments)
    .set({ status: "missed", updatedAt: nowMs })
    .where(and(lte(assignments.week, week), eq(assignments.status, "planned")));
}

export async function countPlannedUpTo(d1: D1Database, week: string): Promise<number> {
  const row = await openDb(d1)
    .select({ n: count() })
    .from(assignments)
    .where(and(lte(assignments.week, week), eq(assignments.status, "planned")))
    .get();
  return row?.n ?? 0;
}

/** An active school a visit outside the plan (补报) may be reported for, with its supervisor; null when unknown or inactive. */
export async function activeSchoolForReport(db: Db, code: string): Promise<{ code: string; name: string; supervisorCode: string | null } | null> {
  const rows = await db
    .select({ code: schools.code, name: schools.name, supervisorCode: schools.supervisorCode })
    .from(schools)
    .where(and(eq(schools.code, code), eq(schools.active, true)))
    .limit(1);
  return rows[0] ?? null;
}
