/**
 * Orders storage: number allocation, the statements that write orders and their audit rows, lookups, lists and
 * who may see what. No chat platform here: issuing and telling people is the use cases' (usecases/orders.ts).
 * Numbering and the issue statements are in orders-issue.ts, the lists in orders-lists.ts; this file re-exports them.
 */
import { and, asc, desc, eq, getTableColumns, isNotNull, or, sql, type SQL } from "drizzle-orm";
import type { BatchCondition, Writable } from "./statements.ts";
import type { Actor } from "./people.ts";
import { openDb } from "./client.ts";
import { inJson } from "./fragments.ts";
import { orderEvents, orders, people, schools, zones, type OrderStatus } from "./schema.ts";
import type { OrderEventView, OrderView, Relation } from "../domain/orders.ts";
import { mayActOn } from "../domain/policy.ts";

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
  const rows = await openDb(d1)
    .select({ schoolCode: schools.code, code: people.code, name: people.name, openId: people.openId, lang: people.lang, role: people.role })
    .from(schools)
    .innerJoin(
      people,
      and(
        eq(people.active, true),
        isNotNull(people.openId),
        or(eq(people.code, schools.supervisorCode), and(eq(people.role, "school_contact"), eq(people.schoolCode, schools.code))),
      ),
    )
    .where(inJson(schools.code, [...new Set(schoolCodes)]))
    .orderBy(asc(schools.code), desc(people.role), asc(people.code));
  for (const row of rows) {
    const list = result.get(row.schoolCode) ?? [];
    list.push({ ...row, openId: row.openId! });
    result.set(row.schoolCode, list);
  }
  return result;
}

export async function personName(d1: D1Database, code: string): Promise<string> {
  if (code === SYSTEM_ACTOR) return code;
  const row = await openDb(d1).select({ name: people.name }).from(people).where(eq(people.code, code)).get();
  return row?.name ?? (code.startsWith("admin:") ? "Admin" : code);
}

export async function schoolNames(d1: D1Database, codes: readonly string[]): Promise<Map<string, string>> {
  const rows = await openDb(d1)
    .select({ code: schools.code, name: schools.name })
    .from(schools)
    .where(inJson(schools.code, [...new Set(codes)]));
  return new Map(rows.map((r) => [r.code, r.name]));
}

// ---------------------------------------------------------------- reads

/**
 * Orders with their school's name, zone and supervisor and their issuer's name (a school or person since removed:
 * the codes), and the `extra` columns asked for (the deadline job's notes).
 */
export function selectOrder<Extra extends Record<string, SQL.Aliased | SQL>>(d1: D1Database, where: SQL | undefined, extra: Extra = {} as Extra) {
  return openDb(d1)
    .select({
      ...extra,
      id: orders.id,
      number: orders.number,
      kind: orders.kind,
      year: orders.year,
      seq: orders.seq,
      schoolCode: orders.schoolCode,
      schoolName: sql<string>`COALESCE(${schools.name}, ${orders.schoolCode})`,
      text: orders.text,
      dueDate: orders.dueDate,
      status: orders.status,
      issuedBy: orders.issuedBy,
      issuedByName: sql<string>`COALESCE(${people.name}, ${orders.issuedBy})`,
      issuedAt: orders.issuedAt,
      problemId: orders.problemId,
      acknowledgedAt: orders.acknowledgedAt,
      reportedAt: orders.reportedAt,
      closedAt: orders.closedAt,
      remindedForDue: orders.remindedForDue,
      updatedAt: orders.updatedAt,
      supervisorCode: schools.supervisorCode,
      zoneCode: sql<string>`COALESCE(${schools.zoneCode}, '')`,
      zoneLevel: sql<OrderRecord["zoneLevel"]>`COALESCE(${zones.level}, 'city')`,
      zoneDistrict: sql<string>`COALESCE(${zones.district}, '')`,
    })
    .from(orders)
    .leftJoin(schools, eq(schools.code, orders.schoolCode))
    .leftJoin(people, eq(people.code, orders.issuedBy))
    .leftJoin(zones, eq(zones.code, schools.zoneCode))
    .where(where);
}

export async function findOrderByNumber(d1: D1Database, number: string): Promise<OrderRecord | null> {
  return (await selectOrder(d1, eq(orders.number, number)).get()) ?? null;
}

export async function findOrderById(d1: D1Database, id: number): Promise<OrderRecord | null> {
  return (await selectOrder(d1, eq(orders.id, id)).get()) ?? null;
}

/** The order's events, oldest first; the system's own steps (deadline job) are named `systemName`. */
export async function orderHistory(d1: D1Database, orderId: number, systemName: string): Promise<OrderEventView[]> {
  const rows = await openDb(d1)
    .select({
      at: orderEvents.at,
      actorName: sql<string>`COALESCE(${people.name}, ${orderEvents.actorCode})`,
      actorCode: orderEvents.actorCode,
      action: orderEvents.action,
      note: orderEvents.note,
    })
    .from(orderEvents)
    .leftJoin(people, eq(people.code, orderEvents.actorCode))
    .where(eq(orderEvents.orderId, orderId))
    .orderBy(asc(orderEvents.at), asc(orderEvents.id));
  return rows.map((e) => ({ ...e, actorName: e.actorCode === SYSTEM_ACTOR ? systemName : e.actorName }));
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
 * (the guarded status update), so a double click leaves one entry. Hand-written: drizzle's insert has no
 * INSERT … SELECT … WHERE changes() > 0.
 */
export function eventIfChanged(d1: D1Database, e: { orderId: number; at: number; actorCode: string; action: string; note?: string | null; data?: unknown }) {
  return d1
    .prepare("INSERT INTO order_events (order_id, at, actor_code, action, note, data) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE changes() > 0")
    .bind(e.orderId, e.at, e.actorCode, e.action, e.note ?? null, e.data === undefined ? null : JSON.stringify(e.data));
}

export function eventStatement(d1: D1Database, e: { orderId: number; at: number; actorCode: string; action: string; note?: string | null; data?: unknown }) {
  return openDb(d1)
    .insert(orderEvents)
    .values({ orderId: e.orderId, at: e.at, actorCode: e.actorCode, action: e.action, note: e.note ?? null, data: e.data === undefined ? null : JSON.stringify(e.data) });
}

/** The orders table's columns by their SQL name (`due_date` → the column), for a transition's `set`. */
const ORDER_COLUMNS = new Map(Object.entries(getTableColumns(orders)).map(([key, column]) => [column.name, key as keyof typeof orders.$inferInsert]));

/**
 * The guarded status change of an order from the state just read (nothing happens if it changed meanwhile)
 * and its audit row, and the condition "this change applied" (its audit row exists).
 */
export function transitionStatements(
  d1: D1Database,
  nowMs: number,
  order: Pick<OrderRecord, "id" | "status" | "updatedAt">,
  change: { to: OrderStatus; actorCode: string; action: string; note?: string | null; data?: unknown; set?: Record<string, string | number | null> },
): { statements: Writable[]; applied: BatchCondition } {
  const set: Partial<typeof orders.$inferInsert> = { status: change.to, updatedAt: nowMs };
  for (const [name, value] of Object.entries(change.set ?? {})) {
    const key = ORDER_COLUMNS.get(name);
    if (!key) throw new Error(`transitionStatements: orders has no column ${name}`);
    Object.assign(set, { [key]: value });
  }
  return {
    statements: [
      openDb(d1)
        .update(orders)
        .set(set)
        .where(and(eq(orders.id, order.id), eq(orders.status, order.status), eq(orders.updatedAt, order.updatedAt))),
      eventIfChanged(d1, { orderId: order.id, at: nowMs, actorCode: change.actorCode, action: change.action, note: change.note, data: change.data }),
    ],
    applied: { sql: "SELECT 1 FROM order_events WHERE order_id = ? AND at = ? AND actor_code = ? AND action = ?", params: [order.id, nowMs, change.actorCode, change.action] },
  };
}

/** People to tell about a change: the school's recipients. */
export async function recipientsOfOrder(d1: D1Database, order: Pick<OrderRecord, "schoolCode">): Promise<Recipient[]> {
  return (await recipientsOf(d1, [order.schoolCode])).get(order.schoolCode) ?? [];
}
