import { findOrderById, SYSTEM_ACTOR, type OrderRecord } from "./orders.ts";

/** A pending extension request whose managers' decision card was last sent before a cutoff. */
export interface StaleExtension {
  requestId: number;
  orderId: number;
  /** the request's place among the order's requests (1, 2, …), what the decision buttons name */
  ordinal: number;
  requesterName: string;
  requestedDue: string;
  reason: string;
}

export const EXTENSION_REFRESHED = "extension_card_refreshed";

/** Pending requests on open orders whose decision card (the request itself, or its last refresh) was sent at or before `sentBefore`. */
export async function staleExtensionRequests(d1: D1Database, sentBefore: number): Promise<{ request: StaleExtension; order: OrderRecord }[]> {
  const { results } = await d1
    .prepare(
      `SELECT r.id AS requestId, r.order_id AS orderId, r.requested_due AS requestedDue, r.reason, COALESCE(p.name, r.requested_by) AS requesterName,
         (SELECT COUNT(*) FROM extension_requests r2 WHERE r2.order_id = r.order_id AND r2.id <= r.id) AS ordinal
       FROM extension_requests r JOIN orders o ON o.id = r.order_id LEFT JOIN people p ON p.code = r.requested_by
       WHERE r.status = 'pending' AND o.status IN ('issued', 'acknowledged', 'reported')
         AND MAX(r.created_at, COALESCE((SELECT MAX(e.at) FROM order_events e WHERE e.order_id = r.order_id AND e.action = ?2
           AND json_extract(e.data, '$.requestId') = r.id), 0)) <= ?1
       ORDER BY r.id`,
    )
    .bind(sentBefore, EXTENSION_REFRESHED)
    .all<StaleExtension>();
  const found: { request: StaleExtension; order: OrderRecord }[] = [];
  for (const request of results) {
    const order = await findOrderById(d1, request.orderId);
    if (order) found.push({ request, order });
  }
  return found;
}

/** The audit row of a refreshed decision card (it also dates the card for the next refresh). */
export function extensionRefreshedStatement(d1: D1Database, request: StaleExtension, nowMs: number): D1PreparedStatement {
  return d1
    .prepare("INSERT INTO order_events (order_id, at, actor_code, action, note, data) VALUES (?1, ?2, ?3, ?4, NULL, json_object('requestId', ?5))")
    .bind(request.orderId, nowMs, SYSTEM_ACTOR, EXTENSION_REFRESHED, request.requestId);
}
