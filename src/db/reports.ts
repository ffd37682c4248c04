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
import { chunkForJson } from "./client.ts";
import type { Db } from "./client.ts";
import { schools } from "./schema.ts";
import { and, eq } from "drizzle-orm";

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
  return d1
    .prepare(
      `SELECT a.id, a.week, a.supervisor_code AS supervisorCode, a.school_code AS schoolCode, a.reason, a.topic, a.status,
              a.moved_to_week AS movedToWeek, COALESCE(s.name, a.school_code) AS schoolName, COALESCE(p.name, a.supervisor_code) AS supervisorName
       FROM assignments a LEFT JOIN schools s ON s.code = a.school_code LEFT JOIN people p ON p.code = a.supervisor_code
       WHERE a.id = ?1`,
    )
    .bind(id)
    .first<AssignmentRecord>();
}

/** The open (planned or missed) assignment of a supervisor at a school in a week, if any. */
export async function openAssignmentAt(d1: D1Database, week: string, supervisorCode: string, schoolCode: string): Promise<number | null> {
  const row = await d1
    .prepare("SELECT id FROM assignments WHERE week = ?1 AND supervisor_code = ?2 AND school_code = ?3 AND status IN ('planned', 'missed')")
    .bind(week, supervisorCode, schoolCode)
    .first<{ id: number }>();
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

const REPORT_SELECT = `SELECT r.id, r.assignment_id AS assignmentId, r.school_code AS schoolCode, r.supervisor_code AS supervisorCode, r.week,
  r.visit_date AS visitDate, r.kind, r.data, r.version, r.submitted_by AS submittedBy, r.on_behalf AS onBehalf, r.submission_key AS submissionKey,
  COALESCE(s.name, r.school_code) AS schoolName, COALESCE(p.name, r.supervisor_code) AS supervisorName
FROM reports r LEFT JOIN schools s ON s.code = r.school_code LEFT JOIN people p ON p.code = r.supervisor_code`;

export async function reportById(d1: D1Database, id: number): Promise<ReportRecord | null> {
  return d1.prepare(`${REPORT_SELECT} WHERE r.id = ?1`).bind(id).first<ReportRecord>();
}

export async function reportByAssignment(d1: D1Database, assignmentId: number): Promise<ReportRecord | null> {
  return d1.prepare(`${REPORT_SELECT} WHERE r.assignment_id = ?1`).bind(assignmentId).first<ReportRecord>();
}

export async function reportBySubmissionKey(d1: D1Database, key: string): Promise<ReportRecord | null> {
  return d1.prepare(`${REPORT_SELECT} WHERE r.submission_key = ?1`).bind(key).first<ReportRecord>();
}

/** Reports of a week can change until the office digest of that week is sent. */
export async function digestSent(d1: D1Database, week: string): Promise<boolean> {
  const row = await d1.prepare("SELECT 1 AS x FROM digests WHERE week = ?1 AND scope = 'office'").bind(week).first();
  return Boolean(row);
}

/** The focus topic already on the week's assignments (the planner puts it there), if any. */
export async function topicOfWeek(d1: D1Database, week: string): Promise<string | null> {
  const row = await d1.prepare("SELECT topic FROM assignments WHERE week = ?1 AND topic IS NOT NULL AND topic <> '' LIMIT 1").bind(week).first<{ topic: string }>();
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
  const { results } = await d1
    .prepare(
      `SELECT p.id, p.item, p.description, p.severity, p.fixed_on_spot AS fixedOnSpot, p.deadline, o.number AS orderNumber
       FROM problems p LEFT JOIN orders o ON o.id = p.order_id WHERE p.report_id = ?1 ORDER BY p.id`,
    )
    .bind(reportId)
    .all<ProblemRecord>();
  return results;
}

/** Who entered the latest version, when it was on someone's behalf. */
export async function latestEntry(d1: D1Database, reportId: number): Promise<{ submittedBy: string; onBehalf: number; name: string } | null> {
  return d1
    .prepare(
      `SELECT v.submitted_by AS submittedBy, v.on_behalf AS onBehalf, COALESCE(p.name, v.submitted_by) AS name
       FROM report_versions v LEFT JOIN people p ON p.code = v.submitted_by WHERE v.report_id = ?1 ORDER BY v.version DESC LIMIT 1`,
    )
    .bind(reportId)
    .first();
}

export async function nextIds(d1: D1Database): Promise<{ reportId: number; problemId: number }> {
  const row = await d1
    .prepare("SELECT (SELECT COALESCE(MAX(id), 0) FROM reports) AS r, (SELECT COALESCE(MAX(id), 0) FROM problems) AS p")
    .first<{ r: number; p: number }>();
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

/** Statements creating a report, its first version and (when planned) the assignment's new status. */
export function newReportStatements(d1: D1Database, report: NewReport, nowMs: number): D1PreparedStatement[] {
  const data = JSON.stringify(report.content);
  const statements = [
    d1
      .prepare(
        `INSERT INTO reports (id, assignment_id, school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, on_behalf, submission_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10, ?11, ?12, ?12)`,
      )
      .bind(
        report.id,
        report.assignmentId,
        report.schoolCode,
        report.supervisorCode,
        report.week,
        report.content.visitDate,
        report.content.kind,
        data,
        report.submittedBy,
        report.onBehalf ? 1 : 0,
        report.submissionKey,
        nowMs,
      ),
    d1
      .prepare("INSERT INTO report_versions (report_id, version, data, submitted_by, on_behalf, submitted_at) VALUES (?1, 1, ?2, ?3, ?4, ?5)")
      .bind(report.id, data, report.submittedBy, report.onBehalf ? 1 : 0, nowMs),
  ];
  if (report.assignmentId !== null) {
    statements.push(
      d1
        .prepare("UPDATE assignments SET status = 'reported', updated_at = ?2 WHERE id = ?1 AND status IN ('planned', 'missed')")
        .bind(report.assignmentId, nowMs),
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
): D1PreparedStatement[] {
  const data = JSON.stringify(edit.content);
  return [
    d1
      .prepare("UPDATE reports SET data = ?3, visit_date = ?4, kind = ?5, version = version + 1, updated_at = ?6 WHERE id = ?1 AND version = ?2")
      .bind(edit.reportId, edit.fromVersion, data, edit.content.visitDate, edit.content.kind, nowMs),
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
  const { results } = await d1
    .prepare(
      `SELECT a.id AS assignmentId, a.supervisor_code AS supervisorCode, COALESCE(p.name, a.supervisor_code) AS supervisorName,
              p.open_id AS openId, COALESCE(p.lang, 'zh') AS lang, a.school_code AS schoolCode, COALESCE(s.name, a.school_code) AS schoolName, a.reason
       FROM assignments a
       LEFT JOIN people p ON p.code = a.supervisor_code AND p.active = 1
       LEFT JOIN schools s ON s.code = a.school_code
       WHERE a.week = ?1 AND a.status = 'planned'
       ORDER BY a.supervisor_code, a.school_code`,
    )
    .bind(week)
    .all<UnreportedVisit>();
  return results;
}

/** Marks every still-planned visit of `week` and earlier as missed (one statement). */
export function markMissedStatement(d1: D1Database, week: string, nowMs: number): D1PreparedStatement {
  return d1.prepare("UPDATE assignments SET status = 'missed', updated_at = ?2 WHERE week <= ?1 AND status = 'planned'").bind(week, nowMs);
}

export async function countPlannedUpTo(d1: D1Database, week: string): Promise<number> {
  const row = await d1.prepare("SELECT COUNT(*) AS n FROM assignments WHERE week <= ?1 AND status = 'planned'").bind(week).first<{ n: number }>();
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
