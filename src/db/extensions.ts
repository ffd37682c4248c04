/**
 * Extension requests of an order (申请延期): reads, and the guarded writes of a request and of its decision.
 * A request is named by the order and its place among the order's requests (1, 2, …).
 */
import { and, asc, count, eq, exists, inArray, sql } from "drizzle-orm";
import { openDb } from "./client.ts";
import { extensionRequests, orders } from "./schema.ts";

/** A condition checked inside the batch (the unit of work's `probe` / `onlyIf`). */
export interface HeldCondition {
  sql: string;
  params: unknown[];
}

export interface ExtensionRequestRecord {
  id: number;
  requestedDue: string;
  status: "pending" | "approved" | "denied";
}

/** The order's `ordinal`-th request (1-based), or null. */
export async function extensionRequestAt(d1: D1Database, orderId: number, ordinal: number): Promise<ExtensionRequestRecord | null> {
  const rows = await openDb(d1)
    .select({ id: extensionRequests.id, requestedDue: extensionRequests.requestedDue, status: extensionRequests.status })
    .from(extensionRequests)
    .where(eq(extensionRequests.orderId, orderId))
    .orderBy(asc(extensionRequests.id))
    .limit(1)
    .offset(ordinal - 1);
  return rows[0] ?? null;
}

/** How many requests the order has, and how many of them are pending. */
export async function extensionCounts(d1: D1Database, orderId: number): Promise<{ n: number; pending: number }> {
  const rows = await openDb(d1)
    .select({ n: count(), pending: sql<number>`COALESCE(SUM(${extensionRequests.status} = 'pending'), 0)` })
    .from(extensionRequests)
    .where(eq(extensionRequests.orderId, orderId));
  return { n: rows[0]?.n ?? 0, pending: Number(rows[0]?.pending ?? 0) };
}

/** Hand-written: a conditional INSERT … SELECT … WHERE (the count guard) and an audit row WHERE changes() > 0 with last_insert_rowid(), which drizzle's insert cannot say. */
const INSERT_REQUEST_SQL = `INSERT INTO extension_requests (order_id, requested_by, requested_due, reason, status, created_at)
SELECT ?1, ?2, ?3, ?4, 'pending', ?5
WHERE (SELECT COUNT(*) FROM extension_requests WHERE order_id = ?1) = ?6`;

const REQUEST_EVENT_SQL = `INSERT INTO order_events (order_id, at, actor_code, action, note, data)
SELECT ?1, ?2, ?3, 'extension_requested', ?4, json_object('requestId', last_insert_rowid(), 'request', ?5, 'requestedDue', ?6, 'reason', ?7)
WHERE changes() > 0`;

/**
 * The request as the order's `ordinal`-th, and its audit row: the insert happens only if the order still has
 * exactly `ordinal - 1` requests, so two requests in the same moment store one.
 */
export function extensionRequestStatements(
  d1: D1Database,
  r: { orderId: number; requestedBy: string; requestedDue: string; reason: string; ordinal: number; note: string },
  nowMs: number,
): D1PreparedStatement[] {
  return [
    d1.prepare(INSERT_REQUEST_SQL).bind(r.orderId, r.requestedBy, r.requestedDue, r.reason, nowMs, r.ordinal - 1),
    d1.prepare(REQUEST_EVENT_SQL).bind(r.orderId, nowMs, r.requestedBy, r.note, r.ordinal, r.requestedDue, r.reason),
  ];
}

/** The decision on a still pending request (a second decision changes nothing). */
export function decideExtensionStatement(d1: D1Database, requestId: number, approve: boolean, decidedBy: string, nowMs: number) {
  return openDb(d1)
    .update(extensionRequests)
    .set({ status: approve ? "approved" : "denied", decidedBy, decidedAt: nowMs })
    .where(and(eq(extensionRequests.id, requestId), eq(extensionRequests.status, "pending")));
}

/** The approved due date onto an open order, only if this very decision (by `decidedBy` at `nowMs`) was recorded. */
export function applyExtensionStatement(d1: D1Database, orderId: number, requestId: number, requestedDue: string, decidedBy: string, nowMs: number) {
  const db = openDb(d1);
  const thisDecision = db
    .select({ one: sql`1` })
    .from(extensionRequests)
    .where(and(eq(extensionRequests.id, requestId), eq(extensionRequests.status, "approved"), eq(extensionRequests.decidedAt, nowMs), eq(extensionRequests.decidedBy, decidedBy)));
  return db
    .update(orders)
    .set({ dueDate: requestedDue, updatedAt: nowMs })
    .where(and(eq(orders.id, orderId), inArray(orders.status, ["issued", "acknowledged", "reported"]), exists(thisDecision)));
}

/** Holds once this very decision is the one recorded. */
export function extensionDecided(requestId: number, approve: boolean, decidedBy: string, nowMs: number): HeldCondition {
  return {
    sql: "SELECT 1 FROM extension_requests WHERE id = ? AND status = ? AND decided_by = ? AND decided_at = ?",
    params: [requestId, approve ? "approved" : "denied", decidedBy, nowMs],
  };
}
