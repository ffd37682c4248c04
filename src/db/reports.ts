/**
 * Visit reports storage: the reads (assignments, reports, problems, unreported visits). The writes of a
 * submission or an edit are in report-writes.ts.
 */
import type { SEVERITIES } from "./schema.ts";
import type { ReportContent } from "../domain/report-form.ts";
import { readStoredContent } from "../domain/report-form.ts";
import { openDb } from "./client.ts";
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

export function storedContent(report: Pick<ReportRecord, "data">): ReportContent | null {
  return readStoredContent(report.data);
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
