/**
 * Issuing orders' storage: the number prefixes and sequences, which office numbers each school's order, and the
 * statements that write issued orders with their `issued` audit rows (re-exported by orders.ts).
 */
import { asc, eq, sql } from "drizzle-orm";
import { ORDER_PREFIXES_SETTING, resolvePrefixes } from "../domain/orders.ts";
import { officeOfZone, scopeOf, topOffice, type Office } from "../domain/offices.ts";
import { chunkForJson, openDb } from "./client.ts";
import { inJson } from "./fragments.ts";
import { offices as officesTable, orderSequences, people, schools, settings, zones, type OrderKind } from "./schema.ts";

export async function loadPrefixes(d1: D1Database): Promise<Record<OrderKind, string>> {
  const row = await openDb(d1).select({ value: settings.value }).from(settings).where(eq(settings.key, ORDER_PREFIXES_SETTING)).get();
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
  const row = await openDb(d1)
    .insert(orderSequences)
    .values({ officeCode, kind, year, lastSeq: count })
    .onConflictDoUpdate({ target: [orderSequences.officeCode, orderSequences.kind, orderSequences.year], set: { lastSeq: sql`${orderSequences.lastSeq} + excluded.last_seq` } })
    .returning({ lastSeq: orderSequences.lastSeq })
    .get();
  return row!.lastSeq - count + 1;
}

/** Which office numbers each school's order: the issuing manager's office, else (and always with `bySchool`: a report's rectification items) the school's. */
export async function numberingOffices(d1: D1Database, issuedByCode: string, schoolCodes: readonly string[], bySchool = false): Promise<Map<string, Office | null>> {
  const db = openDb(d1);
  // column names stay distinct within each statement: drizzle's D1 batch reads rows back by position from D1's objects
  const [officeRows, issuerRows, zoneRows] = await db.batch([
    db
      .select({
        code: officesTable.code,
        name: officesTable.name,
        shortName: officesTable.shortName,
        parentCode: officesTable.parentCode,
        district: officesTable.district,
        digestChatId: officesTable.digestChatId,
      })
      .from(officesTable)
      .orderBy(asc(officesTable.code)),
    db.select({ role: people.role, officeCode: people.officeCode }).from(people).where(eq(people.code, issuedByCode)),
    db
      .select({ code: schools.code, level: sql<"city" | "district">`COALESCE(${zones.level}, 'city')`.as("level"), district: sql<string>`COALESCE(${zones.district}, '')`.as("district") })
      .from(schools)
      .leftJoin(zones, eq(zones.code, schools.zoneCode))
      .where(inJson(schools.code, [...new Set(schoolCodes)])),
  ]);
  const offices: Office[] = officeRows;
  const result = new Map<string, Office | null>();
  if (offices.length === 0) return result;
  const issuer = issuerRows[0];
  const issuerIsManager = !bySchool && (issuedByCode.startsWith("admin:") || issuer?.role === "manager" || issuer?.role === "admin");
  const issuerOffice = !issuerIsManager ? null : issuedByCode.startsWith("admin:") ? topOffice(offices) : scopeOf(offices, issuer?.officeCode ?? null).office;
  for (const zone of zoneRows) result.set(zone.code, issuerOffice ?? officeOfZone(offices, zone));
  for (const code of schoolCodes) if (!result.has(code)) result.set(code, issuerOffice ?? topOffice(offices));
  return result;
}

/** json_each fan-outs (drizzle has no insert-from-JSON): a few statements per issue, whatever the number of schools. */
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
