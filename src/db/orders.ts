/**
 * Orders storage: number allocation, the statements that write orders and their audit rows, lookups, lists and
 * who may see what. No chat platform here: issuing and telling people is the use cases' (usecases/orders.ts).
 */
import type { BatchCondition } from "../delivery/outbox.ts";
import type { Actor } from "./people.ts";
import type { OrderKind, OrderStatus } from "./schema.ts";
import {
  countOrders,
  matchesFilter,
  ORDER_PREFIXES_SETTING,
  PAGE_SIZE,
  resolvePrefixes,
  type OrderCounts,
  type OrderFilter,
  type Relation,
} from "../domain/orders.ts";
import { officeOfZone, scopeOf, scopeParam, topOffice, type Office, type ZoneLike } from "../domain/offices.ts";
import { mayActOn } from "../domain/policy.ts";
import { OFFICES_SQL, zoneInScopeSqlPositional } from "./offices.ts";
import type { OrderEventView, OrderView } from "../domain/orders.ts";
import type { Messages } from "../i18n/index.ts";
import { chunkForJson } from "./client.ts";

export const SYSTEM_ACTOR = "system";

export interface Recipient {
  schoolCode: string;
  code: string;
  name: string;
  openId: string;
  lang: "zh" | "en";
  role: string;
}

export interface OrderRecord extends OrderView {
  id: number;
  year: number;
  seq: number;
  issuedBy: string;
  problemId: number | null;
  acknowledgedAt: number | null;
  reportedAt: number | null;
  closedAt: number | null;
  remindedForDue: string | null;
  updatedAt: number;
  supervisorCode: string | null;
  zoneCode: string;
  /** the school's zone level and district, for the office scope */
  zoneLevel: "city" | "district";
  zoneDistrict: string;
}

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

/** The nameplate supervisor and the school contacts of each school who can receive messages. */
export async function recipientsOf(d1: D1Database, schoolCodes: readonly string[]): Promise<Map<string, Recipient[]>> {
  const result = new Map<string, Recipient[]>();
  if (schoolCodes.length === 0) return result;
  const { results } = await d1
    .prepare(
      `SELECT s.code AS schoolCode, p.code, p.name, p.open_id AS openId, p.lang, p.role
       FROM schools s JOIN people p
         ON p.active = 1 AND p.open_id IS NOT NULL
        AND (p.code = s.supervisor_code OR (p.role = 'school_contact' AND p.school_code = s.code))
       WHERE s.code IN (SELECT value FROM json_each(?1))
       ORDER BY s.code, p.role DESC, p.code`,
    )
    .bind(JSON.stringify([...new Set(schoolCodes)]))
    .all<Recipient>();
  for (const row of results) {
    const list = result.get(row.schoolCode) ?? [];
    list.push(row);
    result.set(row.schoolCode, list);
  }
  return result;
}

export async function personName(d1: D1Database, code: string): Promise<string> {
  if (code === SYSTEM_ACTOR) return code;
  const row = await d1.prepare("SELECT name FROM people WHERE code = ?").bind(code).first<{ name: string }>();
  return row?.name ?? (code.startsWith("admin:") ? "Admin" : code);
}

export async function schoolNames(d1: D1Database, codes: readonly string[]): Promise<Map<string, string>> {
  const { results } = await d1
    .prepare("SELECT code, name FROM schools WHERE code IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify([...new Set(codes)]))
    .all<{ code: string; name: string }>();
  return new Map(results.map((r) => [r.code, r.name]));
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

// ---------------------------------------------------------------- reads

const ORDER_SELECT = `SELECT o.id, o.number, o.kind, o.year, o.seq, o.school_code AS schoolCode, COALESCE(s.name, o.school_code) AS schoolName,
  o.text, o.due_date AS dueDate, o.status, o.issued_by AS issuedBy, COALESCE(p.name, o.issued_by) AS issuedByName, o.issued_at AS issuedAt,
  o.problem_id AS problemId, o.acknowledged_at AS acknowledgedAt, o.reported_at AS reportedAt, o.closed_at AS closedAt,
  o.reminded_for_due AS remindedForDue, o.updated_at AS updatedAt, s.supervisor_code AS supervisorCode, COALESCE(s.zone_code, '') AS zoneCode,
  COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict
FROM orders o LEFT JOIN schools s ON s.code = o.school_code LEFT JOIN people p ON p.code = o.issued_by LEFT JOIN zones z ON z.code = s.zone_code`;

export async function findOrderByNumber(d1: D1Database, number: string): Promise<OrderRecord | null> {
  return d1.prepare(`${ORDER_SELECT} WHERE o.number = ?1`).bind(number).first<OrderRecord>();
}

export async function findOrderById(d1: D1Database, id: number): Promise<OrderRecord | null> {
  return d1.prepare(`${ORDER_SELECT} WHERE o.id = ?1`).bind(id).first<OrderRecord>();
}

export async function orderHistory(d1: D1Database, orderId: number, t: Messages): Promise<OrderEventView[]> {
  const { results } = await d1
    .prepare(
      `SELECT e.at, COALESCE(p.name, e.actor_code) AS actorName, e.actor_code AS actorCode, e.action, e.note
       FROM order_events e LEFT JOIN people p ON p.code = e.actor_code WHERE e.order_id = ?1 ORDER BY e.at, e.id`,
    )
    .bind(orderId)
    .all<OrderEventView & { actorCode: string }>();
  return results.map((e) => ({ ...e, actorName: e.actorCode === SYSTEM_ACTOR ? t.orders.system : e.actorName }));
}

/**
 * How `actor` relates to the order: a manager of an office whose scope holds the school, the school's nameplate
 * supervisor or contact (recipient), or other (a manager of another district's office is "other").
 */
export function relationOf(actor: Actor, order: Pick<OrderRecord, "schoolCode" | "supervisorCode" | "zoneLevel" | "zoneDistrict">): Relation {
  if (actor.role === "manager" || actor.role === "admin") return mayActOn(actor, { zone: { level: order.zoneLevel, district: order.zoneDistrict } }) ? "manager" : "other";
  if (actor.role === "supervisor" && order.supervisorCode === actor.code) return "recipient";
  if (actor.role === "school_contact" && actor.schoolCode === order.schoolCode) return "recipient";
  return "other";
}

export const canSee = (actor: Actor, order: Pick<OrderRecord, "schoolCode" | "supervisorCode" | "zoneLevel" | "zoneDistrict">) => relationOf(actor, order) !== "other";

// ---------------------------------------------------------------- writes shared by the lifecycle handlers

/**
 * An audit row, written only if the statement just before it in the batch changed a row
 * (the guarded status update), so a double click leaves one entry.
 */
export function eventIfChanged(d1: D1Database, e: { orderId: number; at: number; actorCode: string; action: string; note?: string | null; data?: unknown }) {
  return d1
    .prepare("INSERT INTO order_events (order_id, at, actor_code, action, note, data) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE changes() > 0")
    .bind(e.orderId, e.at, e.actorCode, e.action, e.note ?? null, e.data === undefined ? null : JSON.stringify(e.data));
}

export function eventStatement(d1: D1Database, e: { orderId: number; at: number; actorCode: string; action: string; note?: string | null; data?: unknown }) {
  return d1
    .prepare("INSERT INTO order_events (order_id, at, actor_code, action, note, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
    .bind(e.orderId, e.at, e.actorCode, e.action, e.note ?? null, e.data === undefined ? null : JSON.stringify(e.data));
}

/**
 * The guarded status change of an order from the state just read (nothing happens if it changed meanwhile)
 * and its audit row, and the condition "this change applied" (its audit row exists).
 */
export function transitionStatements(
  d1: D1Database,
  nowMs: number,
  order: Pick<OrderRecord, "id" | "status" | "updatedAt">,
  change: { to: OrderStatus; actorCode: string; action: string; note?: string | null; data?: unknown; set?: Record<string, string | number | null> },
): { statements: D1PreparedStatement[]; applied: BatchCondition } {
  const set = { status: change.to, updated_at: nowMs, ...(change.set ?? {}) };
  const columns = Object.keys(set);
  const assignments = columns.map((column, i) => `${column} = ?${i + 1}`).join(", ");
  const values = Object.values(set);
  return {
    statements: [
      d1
        .prepare(`UPDATE orders SET ${assignments} WHERE id = ?${values.length + 1} AND status = ?${values.length + 2} AND updated_at = ?${values.length + 3}`)
        .bind(...values, order.id, order.status, order.updatedAt),
      eventIfChanged(d1, { orderId: order.id, at: nowMs, actorCode: change.actorCode, action: change.action, note: change.note, data: change.data }),
    ],
    applied: { sql: "SELECT 1 FROM order_events WHERE order_id = ? AND at = ? AND actor_code = ? AND action = ?", params: [order.id, nowMs, change.actorCode, change.action] },
  };
}

/** People to tell about a change: the school's recipients. */
export async function recipientsOfOrder(d1: D1Database, order: Pick<OrderRecord, "schoolCode">): Promise<Recipient[]> {
  return (await recipientsOf(d1, [order.schoolCode])).get(order.schoolCode) ?? [];
}

// ---------------------------------------------------------------- lists

export type ListScope = { kind: "all" } | { kind: "zone"; code: string; name: string } | { kind: "school"; code: string; name: string } | { kind: "supervisor"; code: string; name: string };

export interface ListRow {
  number: string;
  kind: OrderKind;
  schoolCode: string;
  schoolName: string;
  dueDate: string;
  status: OrderStatus;
}

export interface OrderList {
  counts: OrderCounts;
  rows: ListRow[];
  matching: number;
}

/** What `actor` may see: managers their office's scope, supervisors their nameplate schools, contacts their school. */
function visibility(actor: Actor): { sql: string; params: (string | null)[] } | null {
  if (actor.role === "manager" || actor.role === "admin") {
    if (actor.scope.districts === null) return { sql: "", params: [] };
    const param = scopeParam(actor.scope);
    return { sql: ` AND ${zoneInScopeSqlPositional("s.zone_code")}`, params: [param, param] };
  }
  if (actor.role === "supervisor") return { sql: " AND s.supervisor_code = ?", params: [actor.code] };
  if (actor.role === "school_contact" && actor.schoolCode) return { sql: " AND o.school_code = ?", params: [actor.schoolCode] };
  return null;
}

/** Counts over every order in scope, and one page of those matching `filter`, sorted by due date. */
export async function listOrders(d1: D1Database, actor: Actor, scope: ListScope, filter: OrderFilter, today: string, page: number): Promise<OrderList> {
  const visible = visibility(actor);
  if (!visible) return { counts: countOrders([], today), rows: [], matching: 0 };
  let sql = `SELECT o.number, o.kind, o.school_code AS schoolCode, COALESCE(s.name, o.school_code) AS schoolName, o.due_date AS dueDate, o.status
    FROM orders o LEFT JOIN schools s ON s.code = o.school_code WHERE 1 = 1${visible.sql}`;
  const params: (string | null)[] = [...visible.params];
  if (scope.kind === "zone") sql += " AND s.zone_code = ?";
  if (scope.kind === "school") sql += " AND o.school_code = ?";
  if (scope.kind === "supervisor") sql += " AND s.supervisor_code = ?";
  if (scope.kind !== "all") params.push(scope.code);
  sql += " ORDER BY o.due_date, o.id";
  const { results } = await d1.prepare(sql).bind(...params).all<ListRow>();
  const matching = results.filter((row) => matchesFilter(row, filter, today));
  return { counts: countOrders(results, today), rows: matching.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE), matching: matching.length };
}

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

/** A zone named by its code (any case) or its exact name. */
export async function zoneByCodeOrName(d1: D1Database, needle: string): Promise<{ code: string; name: string } | null> {
  return d1.prepare("SELECT code, name FROM zones WHERE code = ?1 COLLATE NOCASE OR name = ?1 LIMIT 1").bind(needle).first<{ code: string; name: string }>();
}

/** Up to two active supervisors named by code (any case) or exact name: one means the name is unambiguous. */
export async function supervisorsByCodeOrName(d1: D1Database, needle: string): Promise<{ code: string; name: string }[]> {
  const { results } = await d1
    .prepare("SELECT code, name FROM people WHERE role = 'supervisor' AND active = 1 AND (code = ?1 COLLATE NOCASE OR name = ?1) LIMIT 2")
    .bind(needle)
    .all<{ code: string; name: string }>();
  return results;
}
