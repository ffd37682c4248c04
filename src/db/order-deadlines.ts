/** The daily order-deadline job's reads and its json_each writes (usecases/order-deadlines.ts). */
import { and, asc, eq, exists, inArray, lte, max, sql, type SQL } from "drizzle-orm";
import { chunkForJson, openDb } from "./client.ts";
import { selectOrder, SYSTEM_ACTOR, type OrderRecord } from "./orders.ts";
import { orderEvents, orders } from "./schema.ts";

/**
 * An open order with whether its overdue notice and its escalation for the current due date were recorded
 * (the columns the job reads: not the year, sequence or lifecycle times).
 */
export type DeadlineCandidate = Pick<
  OrderRecord,
  "id" | "number" | "kind" | "schoolCode" | "schoolName" | "text" | "dueDate" | "status" | "issuedBy" | "issuedByName" | "issuedAt" | "remindedForDue" | "zoneLevel" | "zoneDistrict"
> & { overdueNoted: number; escalationNoted: number };

/** The orders the deadline job works on, by due date, with the school's and issuer's names and the school's zone. */
function candidates(d1: D1Database, noted: { overdue: SQL<number>; escalation: SQL<number> }, where: SQL | undefined): Promise<DeadlineCandidate[]> {
  return selectOrder(d1, where, { overdueNoted: noted.overdue, escalationNoted: noted.escalation })
    .orderBy(asc(orders.dueDate), asc(orders.id));
}

/** json_each fan-outs (drizzle has no insert/update from a JSON parameter): a statement per chunk, whatever the number of orders. */
const EVENTS_SQL = `INSERT INTO order_events (order_id, at, actor_code, action, note, data)
SELECT json_extract(value, '$.id'), ?1, ?2, ?3, NULL, json_object('dueDate', json_extract(value, '$.dueDate'))
FROM json_each(?4)`;

const REMINDED_SQL = `UPDATE orders SET reminded_for_due = due_date
WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(?1)) AND due_date IN (SELECT json_extract(value, '$.dueDate') FROM json_each(?1))`;

/** Open orders due on or before `dueBy`, by due date. */
export async function ordersDueBy(d1: D1Database, dueBy: string): Promise<DeadlineCandidate[]> {
  const db = openDb(d1);
  const noted = (action: string) =>
    sql<number>`${exists(
      db
        .select({ one: sql`1` })
        .from(orderEvents)
        .where(and(eq(orderEvents.orderId, orders.id), eq(orderEvents.action, action), sql`json_extract(${orderEvents.data}, '$.dueDate') = ${orders.dueDate}`)),
    )}`;
  return candidates(d1, { overdue: noted("overdue"), escalation: noted("escalated") }, and(inArray(orders.status, ["issued", "acknowledged", "reported"]), lte(orders.dueDate, dueBy)));
}

/** Orders waiting for the school's side whose latest actionable card (one of `cardActions`, or the issue) is from `before` or earlier. */
export async function ordersWithStaleCards(d1: D1Database, before: number, cardActions: readonly string[]): Promise<DeadlineCandidate[]> {
  const latestCard = openDb(d1)
    .select({ at: max(orderEvents.at) })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, orders.id), inArray(orderEvents.action, [...cardActions])));
  return candidates(
    d1,
    { overdue: sql<number>`0`, escalation: sql<number>`0` },
    and(inArray(orders.status, ["issued", "acknowledged"]), sql`MAX(${orders.issuedAt}, COALESCE(${latestCard}, 0)) <= ${before}`),
  );
}

type DueOrder = Pick<DeadlineCandidate, "id" | "dueDate">;

/** One `action` audit row per order (by the system, with its due date), a statement per JSON chunk. */
export function deadlineEventStatements(d1: D1Database, orders: readonly DueOrder[], action: string, nowMs: number): D1PreparedStatement[] {
  return chunkForJson(orders.map((o) => ({ id: o.id, dueDate: o.dueDate }))).map((chunk) => d1.prepare(EVENTS_SQL).bind(nowMs, SYSTEM_ACTOR, action, JSON.stringify(chunk)));
}

/** `reminded_for_due` set to each order's current due date, a statement per JSON chunk. */
export function remindedStatements(d1: D1Database, orders: readonly DueOrder[]): D1PreparedStatement[] {
  return chunkForJson(orders.map((o) => ({ id: o.id, dueDate: o.dueDate }))).map((chunk) => d1.prepare(REMINDED_SQL).bind(JSON.stringify(chunk)));
}
