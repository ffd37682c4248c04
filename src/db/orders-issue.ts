/**
 * Issuing orders' storage: the number prefixes and sequences, which office numbers each school's order, and the
 * statements that write issued orders with their `issued` audit rows (re-exported by orders.ts).
 */
import type { OrderKind } from "./schema.ts";
import { ORDER_PREFIXES_SETTING, resolvePrefixes } from "../domain/orders.ts";
import { officeOfZone, scopeOf, topOffice, type Office, type ZoneLike } from "../domain/offices.ts";
import { OFFICES_SQL } from "./offices.ts";
import { chunkForJson } from "./client.ts";

export async function loadPrefixes(d1: D1Database): Promise<Record<OrderKind, string>> {
  const row = await d1.prepare("SELECT value FROM settings WHERE key = ?").bind(ORDER_PREFIXES_SETTING).first<{ value: string }>();
  let parsed: unknown = null;
  try {
    parsed = row ? JSON.parse(row.value) : null;
  } catch {
    parsed = null;
  }
  return resolvePrefixes(parsed);
}

/**
 * Reserves `count` sequence numbers of (office, kind, year) in ONE statement and returns the first.
 * Runs directly, before the caller's batch: numbers are never reused (a failed batch leaves a gap).
 */
export async function allocateSeqs(d1: D1Database, kind: OrderKind, year: number, count: number, officeCode = ""): Promise<number> {
  const row = await d1
    .prepare(
      `INSERT INTO order_sequences (office_code, kind, year, last_seq) VALUES (?4, ?1, ?2, ?3)
       ON CONFLICT(office_code, kind, year) DO UPDATE SET last_seq = last_seq + excluded.last_seq RETURNING last_seq`,
    )
    .bind(kind, year, count, officeCode)
    .first<{ last_seq: number }>();
  return row!.last_seq - count + 1;
}

/** Which office numbers each school's order: the issuing manager's office, else (and always with `bySchool`: a report's rectification items) the school's. */
export async function numberingOffices(d1: D1Database, issuedByCode: string, schoolCodes: readonly string[], bySchool = false): Promise<Map<string, Office | null>> {
  const [officeRows, issuerRows, zoneRows] = await d1.batch([
    d1.prepare(OFFICES_SQL),
    d1.prepare("SELECT role, office_code AS officeCode FROM people WHERE code = ?1").bind(issuedByCode),
    d1
      .prepare(
        `SELECT s.code, COALESCE(z.level, 'city') AS level, COALESCE(z.district, '') AS district FROM schools s LEFT JOIN zones z ON z.code = s.zone_code
         WHERE s.code IN (SELECT value FROM json_each(?1))`,
      )
      .bind(JSON.stringify([...new Set(schoolCodes)])),
  ]);
  const offices = (officeRows?.results ?? []) as unknown as Office[];
  const result = new Map<string, Office | null>();
  if (offices.length === 0) return result;
  const issuer = (issuerRows?.results ?? [])[0] as { role: string; officeCode: string | null } | undefined;
  const issuerIsManager = !bySchool && (issuedByCode.startsWith("admin:") || issuer?.role === "manager" || issuer?.role === "admin");
  const issuerOffice = !issuerIsManager ? null : issuedByCode.startsWith("admin:") ? topOffice(offices) : scopeOf(offices, issuer?.officeCode ?? null).office;
  for (const zone of (zoneRows?.results ?? []) as unknown as (ZoneLike & { code: string })[]) {
    result.set(zone.code, issuerOffice ?? officeOfZone(offices, zone));
  }
  for (const code of schoolCodes) if (!result.has(code)) result.set(code, issuerOffice ?? topOffice(offices));
  return result;
}

export const INSERT_ORDERS_SQL = `INSERT INTO orders (number, office_code, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, problem_id, updated_at)
SELECT json_extract(value, '$.number'), json_extract(value, '$.officeCode'), ?1, ?2, json_extract(value, '$.seq'), json_extract(value, '$.schoolCode'),
       json_extract(value, '$.text'), json_extract(value, '$.dueDate'), 'issued', ?3, ?4, json_extract(value, '$.problemId'), ?4
FROM json_each(?5)`;

export const INSERT_ISSUED_EVENTS_SQL = `INSERT INTO order_events (order_id, at, actor_code, action, note, data)
SELECT o.id, ?1, ?2, 'issued', NULL, json_object('dueDate', o.due_date, 'schoolCode', o.school_code)
FROM json_each(?3) j JOIN orders o ON o.number = j.value`;

export const LINK_PROBLEMS_SQL = `UPDATE problems SET order_id = (SELECT o.id FROM orders o WHERE o.problem_id = problems.id ORDER BY o.id DESC LIMIT 1)
WHERE id IN (SELECT value FROM json_each(?1))`;

/** One issued order's row, as `INSERT_ORDERS_SQL` reads it from the JSON batch. */
export interface IssuedOrderRow {
  number: string;
  officeCode: string;
  seq: number;
  schoolCode: string;
  text: string;
  dueDate: string;
  problemId: number | null;
}

/**
 * The statements that store issued orders: the order rows and their `issued` audit rows (a few statements,
 * whatever the count, in JSON chunks), and the link from each tracked visit problem to its newest order.
 */
export function issueStatements(
  d1: D1Database,
  issue: { kind: OrderKind; year: number; issuedByCode: string; nowMs: number },
  rows: readonly IssuedOrderRow[],
): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (const part of chunkForJson(rows)) {
    statements.push(d1.prepare(INSERT_ORDERS_SQL).bind(issue.kind, issue.year, issue.issuedByCode, issue.nowMs, JSON.stringify(part)));
  }
  for (const part of chunkForJson(rows.map((r) => r.number))) {
    statements.push(d1.prepare(INSERT_ISSUED_EVENTS_SQL).bind(issue.nowMs, issue.issuedByCode, JSON.stringify(part)));
  }
  const problemIds = rows.map((r) => r.problemId).filter((id): id is number => typeof id === "number");
  if (problemIds.length > 0) statements.push(d1.prepare(LINK_PROBLEMS_SQL).bind(JSON.stringify(problemIds)));
  return statements;
}
