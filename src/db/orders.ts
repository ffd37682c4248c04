/**
 * Orders storage: number allocation, the statements that write orders and their audit rows, lookups, lists and
 * who may see what. No chat platform here: issuing and telling people is the use cases' (usecases/orders.ts).
 * Numbering and the issue statements are in orders-issue.ts, the lists in orders-lists.ts; this file re-exports them.
 */
import type { BatchCondition } from "../delivery/outbox.ts";
import type { Actor } from "./people.ts";
import type { OrderStatus } from "./schema.ts";
import type { OrderEventView, OrderView, Relation } from "../domain/orders.ts";
import { mayActOn } from "../domain/policy.ts";
import type { Messages } from "../i18n/index.ts";

export { allocateSeqs, INSERT_ISSUED_EVENTS_SQL, INSERT_ORDERS_SQL, issueStatements, LINK_PROBLEMS_SQL, loadPrefixes, numberingOffices, type IssuedOrderRow } from "./orders-issue.ts";
export { listOrders, supervisorsByCodeOrName, zoneByCodeOrName, type ListRow, type ListScope, type OrderList } from "./orders-lists.ts";

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
