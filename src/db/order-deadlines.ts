/** The daily order-deadline job's reads and its json_each writes (usecases/order-deadlines.ts). */
import { chunkForJson } from "./client.ts";
import { SYSTEM_ACTOR, type OrderRecord } from "./orders.ts";

/** An open order with whether its overdue notice and its escalation for the current due date were recorded. */
export type DeadlineCandidate = OrderRecord & { overdueNoted: number; escalationNoted: number };

const CANDIDATES_SQL = `SELECT o.id, o.number, o.kind, o.school_code AS schoolCode, COALESCE(s.name, o.school_code) AS schoolName, o.text,
  o.due_date AS dueDate, o.status, o.issued_by AS issuedBy, COALESCE(p.name, o.issued_by) AS issuedByName, o.issued_at AS issuedAt,
  o.reminded_for_due AS remindedForDue,
  EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.action = 'overdue' AND json_extract(e.data, '$.dueDate') = o.due_date) AS overdueNoted,
  EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.action = 'escalated' AND json_extract(e.data, '$.dueDate') = o.due_date) AS escalationNoted,
  COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict
FROM orders o LEFT JOIN schools s ON s.code = o.school_code LEFT JOIN people p ON p.code = o.issued_by LEFT JOIN zones z ON z.code = s.zone_code
WHERE o.status IN ('issued', 'acknowledged', 'reported') AND o.due_date <= ?1
ORDER BY o.due_date, o.id`;

const REFRESH_SQL = `SELECT o.id, o.number, o.kind, o.school_code AS schoolCode, COALESCE(s.name, o.school_code) AS schoolName, o.text,
  o.due_date AS dueDate, o.status, o.issued_by AS issuedBy, COALESCE(p.name, o.issued_by) AS issuedByName, o.issued_at AS issuedAt,
  o.reminded_for_due AS remindedForDue, 0 AS overdueNoted, 0 AS escalationNoted,
  COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict
FROM orders o LEFT JOIN schools s ON s.code = o.school_code LEFT JOIN people p ON p.code = o.issued_by LEFT JOIN zones z ON z.code = s.zone_code
WHERE o.status IN ('issued', 'acknowledged')
  AND MAX(o.issued_at, COALESCE((SELECT MAX(e.at) FROM order_events e WHERE e.order_id = o.id AND e.action IN (SELECT value FROM json_each(?2))), 0)) <= ?1
ORDER BY o.due_date, o.id`;

const EVENTS_SQL = `INSERT INTO order_events (order_id, at, actor_code, action, note, data)
SELECT json_extract(value, '$.id'), ?1, ?2, ?3, NULL, json_object('dueDate', json_extract(value, '$.dueDate'))
FROM json_each(?4)`;

const REMINDED_SQL = `UPDATE orders SET reminded_for_due = due_date
WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(?1)) AND due_date IN (SELECT json_extract(value, '$.dueDate') FROM json_each(?1))`;

/** Open orders due on or before `dueBy`, by due date. */
export async function ordersDueBy(d1: D1Database, dueBy: string): Promise<DeadlineCandidate[]> {
  const { results } = await d1.prepare(CANDIDATES_SQL).bind(dueBy).all<DeadlineCandidate>();
  return results;
}

/** Orders waiting for the school's side whose latest actionable card (one of `cardActions`, or the issue) is from `before` or earlier. */
export async function ordersWithStaleCards(d1: D1Database, before: number, cardActions: readonly string[]): Promise<DeadlineCandidate[]> {
  const { results } = await d1.prepare(REFRESH_SQL).bind(before, JSON.stringify(cardActions)).all<DeadlineCandidate>();
  return results;
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
