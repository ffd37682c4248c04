/** Reads for the school's file (督导档案): one D1 batch, each list cut to the newest rows, with counts of the whole. */
import { FILE_PHOTOS, FILE_ROWS } from "../domain/school-file.ts";
import { isoWeekOf, type IsoDate } from "../domain/time.ts";

export interface SchoolHeader {
  code: string;
  name: string;
  zoneCode: string;
  zoneName: string | null;
  supervisorCode: string | null;
  supervisorName: string | null;
}

export interface FileVisit {
  week: string;
  visitDate: string | null;
  reason: string | null;
  kind: string | null;
  status: string;
}

export interface FileProblem {
  item: string;
  topic: string | null;
  description: string;
  severity: "minor" | "general" | "serious";
  fixedOnSpot: number;
  deadline: string | null;
  orderStatus: string | null;
  visitDate: string;
}

export interface FileOrder {
  number: string;
  kind: string;
  status: string;
  dueDate: string;
}

export interface FilePhoto {
  id: number;
  subjectKind: "report" | "order";
  subjectId: number;
  r2Key: string | null;
  imageKey: string | null;
  contentType: string;
  receivedAt: number;
}

export interface SchoolFileData {
  visits: FileVisit[];
  visitCounts: Record<string, number>;
  problems: FileProblem[];
  problemCounts: { open: number; fixed: number };
  orders: FileOrder[];
  orderCounts: { total: number; open: number; overdue: number };
  photos: FilePhoto[];
  photoCount: number;
}

export async function schoolHeader(d1: D1Database, code: string): Promise<SchoolHeader | null> {
  return d1
    .prepare(
      `SELECT s.code, s.name, s.zone_code AS zoneCode, z.name AS zoneName, s.supervisor_code AS supervisorCode, p.name AS supervisorName
       FROM schools s LEFT JOIN zones z ON z.code = s.zone_code LEFT JOIN people p ON p.code = s.supervisor_code WHERE s.code = ?1`,
    )
    .bind(code)
    .first<SchoolHeader>();
}

export async function termPeriods(d1: D1Database): Promise<{ name: string; startDate: string; endDate: string }[]> {
  const { results } = await d1
    .prepare("SELECT name, start_date AS startDate, end_date AS endDate FROM calendar_periods WHERE kind = 'term' ORDER BY start_date")
    .all<{ name: string; startDate: string; endDate: string }>();
  return results;
}

const VISITS = `SELECT a.week, r.visit_date AS visitDate, a.reason, r.kind, a.status FROM assignments a LEFT JOIN reports r ON r.assignment_id = a.id
  WHERE a.school_code = ?1 AND a.week >= ?2
  UNION ALL
  SELECT r.week, r.visit_date AS visitDate, NULL AS reason, r.kind, 'reported' AS status FROM reports r
  WHERE r.school_code = ?1 AND r.assignment_id IS NULL AND r.visit_date >= ?3`;

const PROBLEM_FIXED = "(p.fixed_on_spot = 1 OR o.status = 'closed')";

/** Everything the file shows of one school since `from` (visits) and overall (problems, orders, photos). */
export async function schoolFile(d1: D1Database, schoolCode: string, from: IsoDate, today: IsoDate): Promise<SchoolFileData> {
  const fromWeek = isoWeekOf(from);
  const [visits, visitCounts, problems, problemCounts, orders, orderCounts, photos, photoCount] = await d1.batch([
    d1.prepare(`SELECT * FROM (${VISITS}) ORDER BY week DESC, visitDate DESC LIMIT ?4`).bind(schoolCode, fromWeek, from, FILE_ROWS),
    d1.prepare(`SELECT status, COUNT(*) AS n FROM (${VISITS}) GROUP BY status`).bind(schoolCode, fromWeek, from),
    d1
      .prepare(
        `SELECT p.item, p.topic, p.description, p.severity, p.fixed_on_spot AS fixedOnSpot, p.deadline, o.status AS orderStatus, r.visit_date AS visitDate
         FROM problems p JOIN reports r ON r.id = p.report_id LEFT JOIN orders o ON o.id = p.order_id
         WHERE p.school_code = ?1 ORDER BY ${PROBLEM_FIXED}, r.visit_date DESC, p.id DESC LIMIT ?2`,
      )
      .bind(schoolCode, FILE_ROWS),
    d1
      .prepare(`SELECT SUM(CASE WHEN ${PROBLEM_FIXED} THEN 0 ELSE 1 END) AS open, SUM(CASE WHEN ${PROBLEM_FIXED} THEN 1 ELSE 0 END) AS fixed FROM problems p LEFT JOIN orders o ON o.id = p.order_id WHERE p.school_code = ?1`)
      .bind(schoolCode),
    d1
      .prepare(
        `SELECT number, kind, status, due_date AS dueDate FROM orders WHERE school_code = ?1
         ORDER BY CASE WHEN status IN ('issued', 'acknowledged', 'reported') THEN 0 ELSE 1 END, due_date DESC, id DESC LIMIT ?2`,
      )
      .bind(schoolCode, FILE_ROWS),
    d1
      .prepare(
        `SELECT COUNT(*) AS total, SUM(CASE WHEN status IN ('issued', 'acknowledged', 'reported') THEN 1 ELSE 0 END) AS open,
           SUM(CASE WHEN status IN ('issued', 'acknowledged', 'reported') AND due_date < ?2 THEN 1 ELSE 0 END) AS overdue
         FROM orders WHERE school_code = ?1`,
      )
      .bind(schoolCode, today),
    d1
      .prepare(
        `SELECT ph.id, ph.subject_kind AS subjectKind, ph.subject_id AS subjectId, ph.r2_key AS r2Key, ph.image_key AS imageKey, ph.content_type AS contentType, ph.received_at AS receivedAt
         FROM photos ph WHERE ph.state = 'attached' AND (
           (ph.subject_kind = 'report' AND ph.subject_id IN (SELECT id FROM reports WHERE school_code = ?1))
           OR (ph.subject_kind = 'order' AND ph.subject_id IN (SELECT id FROM orders WHERE school_code = ?1)))
         ORDER BY ph.received_at DESC, ph.id DESC LIMIT ?2`,
      )
      .bind(schoolCode, FILE_PHOTOS),
    d1
      .prepare(
        `SELECT COUNT(*) AS n FROM photos ph WHERE ph.state = 'attached' AND (
           (ph.subject_kind = 'report' AND ph.subject_id IN (SELECT id FROM reports WHERE school_code = ?1))
           OR (ph.subject_kind = 'order' AND ph.subject_id IN (SELECT id FROM orders WHERE school_code = ?1)))`,
      )
      .bind(schoolCode),
  ]);
  const problemTotals = (problemCounts?.results[0] ?? {}) as { open: number | null; fixed: number | null };
  const orderTotals = (orderCounts?.results[0] ?? {}) as { total: number; open: number | null; overdue: number | null };
  return {
    visits: (visits?.results ?? []) as FileVisit[],
    visitCounts: Object.fromEntries(((visitCounts?.results ?? []) as { status: string; n: number }[]).map((row) => [row.status, row.n])),
    problems: (problems?.results ?? []) as FileProblem[],
    problemCounts: { open: problemTotals.open ?? 0, fixed: problemTotals.fixed ?? 0 },
    orders: (orders?.results ?? []) as FileOrder[],
    orderCounts: { total: orderTotals.total ?? 0, open: orderTotals.open ?? 0, overdue: orderTotals.overdue ?? 0 },
    photos: (photos?.results ?? []) as FilePhoto[],
    photoCount: ((photoCount?.results[0] ?? { n: 0 }) as { n: number }).n,
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
  const { results } = await d1
    .prepare(
      `SELECT s.code, s.name, s.supervisor_code AS supervisorCode, s.zone_code AS zoneCode,
         COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict
       FROM schools s LEFT JOIN zones z ON z.code = s.zone_code WHERE s.active = 1 ORDER BY s.code`,
    )
    .all<SchoolAccessRow>();
  return results;
}
