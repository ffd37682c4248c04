import { and, between, eq, sql, type SQLWrapper } from "drizzle-orm";
import type { ExportKind } from "../domain/csv-export.ts";
import { openDb } from "./client.ts";
import { zoneInDistrictsWhere } from "./offices.ts";
import { assignments, feedback, orders, people, reports, schools, zones } from "./schema.ts";

export interface ExportRange {
  from: string;
  to: string;
  fromWeek: string;
  toWeek: string;
  /** SQLite date modifier turning UTC instants into office-local dates, e.g. '480 minutes' */
  offset: string;
  limit: number;
  /** `scopeParam` of the manager's office: null for everything */
  scope?: string | null;
}

export const EXPORT_COLUMNS: Record<ExportKind, string[]> = {
  orders: ["number", "kind", "school_code", "school_name", "zone_code", "zone_name", "status", "issued_on", "due_date", "closed_on", "issued_by", "text"],
  reports: ["id", "week", "visit_date", "school_code", "school_name", "supervisor_code", "supervisor_name", "kind", "version", "on_behalf", "submitted_by", "problems", "serious_problems", "findings"],
  visits: ["week", "supervisor_code", "supervisor_name", "school_code", "school_name", "zone_code", "reason", "topic", "status", "note"],
  feedback: ["reference", "received_on", "school_code", "school_name", "zone_code", "kind", "status", "reply", "visited", "text"],
};

/** One query per export: the rows of a date range (at most `range.limit`), with the names a reader needs (EXPORT_COLUMNS). */
export async function exportRows(d1: D1Database, kind: ExportKind, range: ExportRange): Promise<Record<string, unknown>[]> {
  const db = openDb(d1);
  const scope = range.scope ?? null;
  /** an instant (epoch ms) as the office-local date */
  const localDate = (ms: SQLWrapper) => sql<string | null>`date(${ms} / 1000, 'unixepoch', ${range.offset})`;
  switch (kind) {
    case "orders":
      return db
        .select({
          number: orders.number,
          kind: orders.kind,
          school_code: orders.schoolCode,
          school_name: schools.name,
          zone_code: zones.code,
          zone_name: zones.name,
          status: orders.status,
          issued_on: localDate(orders.issuedAt),
          due_date: orders.dueDate,
          closed_on: localDate(orders.closedAt),
          issued_by: orders.issuedBy,
          text: orders.text,
        })
        .from(orders)
        .leftJoin(schools, eq(schools.code, orders.schoolCode))
        .leftJoin(zones, eq(zones.code, schools.zoneCode))
        .where(and(between(localDate(orders.issuedAt), range.from, range.to), zoneInDistrictsWhere(schools.zoneCode, scope)))
        .orderBy(orders.issuedAt, orders.number)
        .limit(range.limit);
    case "reports":
      return db
        .select({
          id: reports.id,
          week: reports.week,
          visit_date: reports.visitDate,
          school_code: reports.schoolCode,
          school_name: schools.name,
          supervisor_code: reports.supervisorCode,
          supervisor_name: people.name,
          kind: reports.kind,
          version: reports.version,
          on_behalf: sql<number>`${reports.onBehalf}`,
          submitted_by: reports.submittedBy,
          problems: sql<number>`(SELECT COUNT(*) FROM problems pr WHERE pr.report_id = ${reports.id})`,
          serious_problems: sql<number>`(SELECT COUNT(*) FROM problems pr WHERE pr.report_id = ${reports.id} AND pr.severity = 'serious')`,
          findings: sql<unknown>`json_extract(${reports.data}, '$.findings')`,
        })
        .from(reports)
        .leftJoin(schools, eq(schools.code, reports.schoolCode))
        .leftJoin(people, eq(people.code, reports.supervisorCode))
        .where(and(between(reports.visitDate, range.from, range.to), zoneInDistrictsWhere(schools.zoneCode, scope)))
        .orderBy(reports.visitDate, reports.id)
        .limit(range.limit);
    case "visits":
      return db
        .select({
          week: assignments.week,
          supervisor_code: assignments.supervisorCode,
          supervisor_name: people.name,
          school_code: assignments.schoolCode,
          school_name: schools.name,
          zone_code: zones.code,
          reason: assignments.reason,
          topic: assignments.topic,
          status: assignments.status,
          note: assignments.note,
        })
        .from(assignments)
        .leftJoin(schools, eq(schools.code, assignments.schoolCode))
        .leftJoin(people, eq(people.code, assignments.supervisorCode))
        .leftJoin(zones, eq(zones.code, schools.zoneCode))
        .where(and(between(assignments.week, range.fromWeek, range.toWeek), zoneInDistrictsWhere(schools.zoneCode, scope)))
        .orderBy(assignments.week, assignments.supervisorCode, assignments.schoolCode)
        .limit(range.limit);
    case "feedback":
      // the public's feedback without the sender's name and telephone: a file travels further than a card
      return db
        .select({
          reference: feedback.reference,
          received_on: localDate(feedback.receivedAt),
          school_code: feedback.schoolCode,
          school_name: schools.name,
          zone_code: zones.code,
          kind: feedback.kind,
          status: feedback.status,
          reply: feedback.reply,
          visited: sql<number>`EXISTS (SELECT 1 FROM reports r WHERE r.submission_key = 'extra:feedback:' || ${feedback.reference})`,
          text: feedback.text,
        })
        .from(feedback)
        .leftJoin(schools, eq(schools.code, feedback.schoolCode))
        .leftJoin(zones, eq(zones.code, schools.zoneCode))
        .where(and(between(localDate(feedback.receivedAt), range.from, range.to), zoneInDistrictsWhere(schools.zoneCode, scope)))
        .orderBy(feedback.receivedAt, feedback.id)
        .limit(range.limit);
  }
}
