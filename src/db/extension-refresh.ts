import { and, asc, count, eq, inArray, lte, max, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { openDb } from "./client.ts";
import { findOrderById, SYSTEM_ACTOR, type OrderRecord } from "./orders.ts";
import { extensionRequests, orderEvents, orders, people } from "./schema.ts";

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
  const db = openDb(d1);
  const earlier = alias(extensionRequests, "earlier");
  const ordinal = db
    .select({ n: count() })
    .from(earlier)
    .where(and(eq(earlier.orderId, extensionRequests.orderId), lte(earlier.id, extensionRequests.id)));
  const lastRefresh = db
    .select({ at: max(orderEvents.at) })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, extensionRequests.orderId), eq(orderEvents.action, EXTENSION_REFRESHED), sql`json_extract(${orderEvents.data}, '$.requestId') = ${extensionRequests.id}`));
  const results: StaleExtension[] = await db
    .select({
      requestId: extensionRequests.id,
      orderId: extensionRequests.orderId,
      requestedDue: extensionRequests.requestedDue,
      reason: extensionRequests.reason,
      requesterName: sql<string>`COALESCE(${people.name}, ${extensionRequests.requestedBy})`,
      ordinal: sql<number>`${ordinal}`,
    })
    .from(extensionRequests)
    .innerJoin(orders, eq(orders.id, extensionRequests.orderId))
    .leftJoin(people, eq(people.code, extensionRequests.requestedBy))
    .where(
      and(
        eq(extensionRequests.status, "pending"),
        inArray(orders.status, ["issued", "acknowledged", "reported"]),
        sql`MAX(${extensionRequests.createdAt}, COALESCE(${lastRefresh}, 0)) <= ${sentBefore}`,
      ),
    )
    .orderBy(asc(extensionRequests.id));
  const found: { request: StaleExtension; order: OrderRecord }[] = [];
  for (const request of results) {
    const order = await findOrderById(d1, request.orderId);
    if (order) found.push({ request, order });
  }
  return found;
}

/** The audit row of a refreshed decision card (it also dates the card for the next refresh). */
export function extensionRefreshedStatement(d1: D1Database, request: StaleExtension, nowMs: number) {
  return openDb(d1)
    .insert(orderEvents)
    .values({ orderId: request.orderId, at: nowMs, actorCode: SYSTEM_ACTOR, action: EXTENSION_REFRESHED, note: null, data: sql`json_object('requestId', ${request.requestId})` });
}
