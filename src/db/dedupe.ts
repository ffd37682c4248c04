/**
 * Inbound deduplication. Feishu redelivers events (same event_id) and may
 * deliver one message twice under different event_ids (same message_id).
 * The claim is one statement of the handler's batch (all keys or none), so two racing deliveries cannot both win.
 */
export const DEDUPE_KEEP_MS = 24 * 60 * 60 * 1000;

/** Whether any of the keys was claimed already (a redelivery whose first delivery committed): a row in the statement's result. */
export function claimedStatement(d1: D1Database, keys: readonly string[]): D1PreparedStatement {
  return d1.prepare(`SELECT 1 AS hit FROM processed_events WHERE key IN (${keys.map(() => "?").join(", ")}) LIMIT 1`).bind(...keys);
}

/**
 * The claim as a statement of the handler's own batch: a plain INSERT, so if a rival delivery claimed
 * any key first the whole batch fails and nothing of it happens. Committed with the effects or not at
 * all, a redelivered event is either a no-op or a full retry, never lost.
 */
export function claimStatement(d1: D1Database, keys: readonly string[], nowMs: number): D1PreparedStatement {
  return d1.prepare(`INSERT INTO processed_events (key, received_at) VALUES ${keys.map(() => "(?, ?)").join(", ")}`).bind(...keys.flatMap((key) => [key, nowMs]));
}

export function isClaimConflict(error: unknown): boolean {
  return /UNIQUE constraint failed: processed_events\.key/.test(error instanceof Error ? error.message : String(error));
}

/** A form's "already submitted" claim lives as long as the card can be clicked (14 days) and a day more. */
export const FORM_CLAIM_KEEP_MS = 15 * 24 * 60 * 60 * 1000;

/** Delivery keys are kept 24 hours, well past Feishu's last retry (about 7.1 hours); form claims (`form:…`) 15 days. */
export async function purgeDeliveries(d1: D1Database, nowMs: number): Promise<number> {
  const result = await d1
    .prepare("DELETE FROM processed_events WHERE received_at < ?1 AND (key NOT LIKE 'form:%' OR received_at < ?2)")
    .bind(nowMs - DEDUPE_KEEP_MS, nowMs - FORM_CLAIM_KEEP_MS)
    .run();
  return result.meta.changes;
}

/** Whether this key (e.g. a form card's `form:<message id>`) was claimed already. */
export async function isClaimed(d1: D1Database, key: string): Promise<boolean> {
  return (await d1.prepare("SELECT 1 FROM processed_events WHERE key = ?1").bind(key).first()) !== null;
}
