/**
 * Inbound deduplication. Feishu redelivers events (same event_id) and may
 * deliver one message twice under different event_ids (same message_id).
 * The claim is one statement of the handler's batch (all keys or none), so two racing deliveries cannot both win.
 */
import { errorChainText } from "./error-text.ts";
import { and, eq, lt, notLike, or } from "drizzle-orm";
import { openDb } from "./client.ts";
import { processedEvents } from "./schema.ts";

export const DEDUPE_KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Whether any of the keys was claimed already (a redelivery whose first delivery committed): a row in the statement's result.
 * Hand-written: it rides in raw D1 batches with the sender's read and the use count (usecases/chat-events-claims.ts), which read `.results`.
 */
export function claimedStatement(d1: D1Database, keys: readonly string[]): D1PreparedStatement {
  return d1.prepare(`SELECT 1 AS hit FROM processed_events WHERE key IN (${keys.map(() => "?").join(", ")}) LIMIT 1`).bind(...keys);
}

/**
 * The claim as a statement of the handler's own batch: a plain INSERT, so if a rival delivery claimed
 * any key first the whole batch fails and nothing of it happens. Committed with the effects or not at
 * all, a redelivered event is either a no-op or a full retry, never lost.
 */
export function claimStatement(d1: D1Database, keys: readonly string[], nowMs: number) {
  return openDb(d1)
    .insert(processedEvents)
    .values(keys.map((key) => ({ key, receivedAt: nowMs })));
}

export function isClaimConflict(error: unknown): boolean {
  return /UNIQUE constraint failed: processed_events\.key/.test(errorChainText(error));
}

/** A form's "already submitted" claim lives as long as the card can be clicked (14 days) and a day more. */
export const FORM_CLAIM_KEEP_MS = 15 * 24 * 60 * 60 * 1000;

/** Delivery keys are kept 24 hours, well past Feishu's last retry (about 7.1 hours); form claims (`form:…`) 15 days. */
export async function purgeDeliveries(d1: D1Database, nowMs: number): Promise<number> {
  const result = await openDb(d1)
    .delete(processedEvents)
    .where(
      and(
        lt(processedEvents.receivedAt, nowMs - DEDUPE_KEEP_MS),
        or(notLike(processedEvents.key, "form:%"), lt(processedEvents.receivedAt, nowMs - FORM_CLAIM_KEEP_MS)),
      ),
    )
    .run();
  return result.meta.changes;
}

/** Whether this key (e.g. a form card's `form:<message id>`) was claimed already. */
export async function isClaimed(d1: D1Database, key: string): Promise<boolean> {
  const row = await openDb(d1).select({ key: processedEvents.key }).from(processedEvents).where(eq(processedEvents.key, key)).get();
  return row !== undefined;
}
