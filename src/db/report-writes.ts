/**
 * A visit report's writes, returned as statements for one D1 batch (report, version, problems, assignment status,
 * rectification items, alerts all commit together or not at all).
 *
 * Ids of a new report and its problems are taken as MAX(id)+1… before the
 * batch, so the problems can name their report and the rectification items
 * their problem inside the same batch. Two submissions racing for the same ids
 * make the second batch fail as a whole (primary key): the caller retries.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { ProblemInput, ReportContent } from "../domain/report-form.ts";
import { chunkForJson, openDb } from "./client.ts";
import { assignments, problems, reports, reportVersions } from "./schema.ts";
import type { Writable } from "./statements.ts";

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
export function newReportStatements(d1: D1Database, report: NewReport, nowMs: number): Writable[] {
  const db = openDb(d1);
  const data = JSON.stringify(report.content);
  const statements: Writable[] = [
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
): Writable[] {
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
