import type { ExportKind } from "../domain/csv-export.ts";
import { zoneInScopeSql } from "./offices.ts";

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

/** The parameters of each export's query, in order. */
export function exportParams(kind: ExportKind, range: ExportRange): unknown[] {
  if (kind === "orders") return [range.from, range.to, range.offset, range.limit, range.scope ?? null];
  if (kind === "reports") return [range.from, range.to, range.limit, range.scope ?? null];
  if (kind === "feedback") return [range.from, range.to, range.offset, range.limit, range.scope ?? null];
  return [range.fromWeek, range.toWeek, range.limit, range.scope ?? null];
}

/** One query per export: the rows of a date range, with the names a reader needs. */
export const EXPORT_SQL: Record<ExportKind, string> = {
  orders: `SELECT o.number, o.kind, o.school_code, s.name AS school_name, z.code AS zone_code, z.name AS zone_name, o.status,
      date(o.issued_at / 1000, 'unixepoch', ?3) AS issued_on, o.due_date, date(o.closed_at / 1000, 'unixepoch', ?3) AS closed_on, o.issued_by, o.text
    FROM orders o LEFT JOIN schools s ON s.code = o.school_code LEFT JOIN zones z ON z.code = s.zone_code
    WHERE date(o.issued_at / 1000, 'unixepoch', ?3) BETWEEN ?1 AND ?2 AND ${zoneInScopeSql("s.zone_code", 5)} ORDER BY o.issued_at, o.number LIMIT ?4`,
  reports: `SELECT r.id, r.week, r.visit_date, r.school_code, s.name AS school_name, r.supervisor_code, p.name AS supervisor_name, r.kind,
      r.version, r.on_behalf, r.submitted_by,
      (SELECT COUNT(*) FROM problems pr WHERE pr.report_id = r.id) AS problems,
      (SELECT COUNT(*) FROM problems pr WHERE pr.report_id = r.id AND pr.severity = 'serious') AS serious_problems,
      json_extract(r.data, '$.findings') AS findings
    FROM reports r LEFT JOIN schools s ON s.code = r.school_code LEFT JOIN people p ON p.code = r.supervisor_code
    WHERE r.visit_date BETWEEN ?1 AND ?2 AND ${zoneInScopeSql("s.zone_code", 4)} ORDER BY r.visit_date, r.id LIMIT ?3`,
  visits: `SELECT a.week, a.supervisor_code, p.name AS supervisor_name, a.school_code, s.name AS school_name, z.code AS zone_code,
      a.reason, a.topic, a.status, a.note
    FROM assignments a LEFT JOIN schools s ON s.code = a.school_code LEFT JOIN people p ON p.code = a.supervisor_code
      LEFT JOIN zones z ON z.code = s.zone_code
    WHERE a.week BETWEEN ?1 AND ?2 AND ${zoneInScopeSql("s.zone_code", 4)} ORDER BY a.week, a.supervisor_code, a.school_code LIMIT ?3`,
  // the public's feedback without the sender's name and telephone: a file travels further than a card
  feedback: `SELECT f.reference, date(f.received_at / 1000, 'unixepoch', ?3) AS received_on, f.school_code, s.name AS school_name, z.code AS zone_code,
      f.kind, f.status, f.reply, EXISTS (SELECT 1 FROM reports r WHERE r.submission_key = 'extra:feedback:' || f.reference) AS visited, f.text
    FROM feedback f LEFT JOIN schools s ON s.code = f.school_code LEFT JOIN zones z ON z.code = s.zone_code
    WHERE date(f.received_at / 1000, 'unixepoch', ?3) BETWEEN ?1 AND ?2 AND ${zoneInScopeSql("s.zone_code", 5)} ORDER BY f.received_at, f.id LIMIT ?4`,
};

export const EXPORT_COLUMNS: Record<ExportKind, string[]> = {
  orders: ["number", "kind", "school_code", "school_name", "zone_code", "zone_name", "status", "issued_on", "due_date", "closed_on", "issued_by", "text"],
  reports: ["id", "week", "visit_date", "school_code", "school_name", "supervisor_code", "supervisor_name", "kind", "version", "on_behalf", "submitted_by", "problems", "serious_problems", "findings"],
  visits: ["week", "supervisor_code", "supervisor_name", "school_code", "school_name", "zone_code", "reason", "topic", "status", "note"],
  feedback: ["reference", "received_on", "school_code", "school_name", "zone_code", "kind", "status", "reply", "visited", "text"],
};

/** The rows of one export over a range (at most `range.limit`), as the query names its columns. */
export async function exportRows(d1: D1Database, kind: ExportKind, range: ExportRange): Promise<Record<string, unknown>[]> {
  const { results } = await d1
    .prepare(EXPORT_SQL[kind])
    .bind(...exportParams(kind, range))
    .all<Record<string, unknown>>();
  return results;
}
