/**
 * Inbound deduplication. Feishu redelivers events (same event_id) and may
 * deliver one message twice under different event_ids (same message_id).
 * One statement claims all keys or none, so two racing deliveries cannot both win.
 */
export const DEDUPE_KEEP_MS = 24 * 60 * 60 * 1000;

export async function claimDelivery(d1: D1Database, keys: readonly string[], nowMs: number): Promise<boolean> {
  const placeholders = keys.map(() => "(?)").join(", ");
  const result = await d1
    .prepare(
      `INSERT INTO processed_events (key, received_at)
       SELECT column1, ? FROM (VALUES ${placeholders})
       WHERE NOT EXISTS (SELECT 1 FROM processed_events WHERE key IN (${keys.map(() => "?").join(", ")}))`,
    )
    .bind(nowMs, ...keys, ...keys)
    .run();
  return result.meta.changes === keys.length;
}

/** Keys are kept 24 hours, well past Feishu's last retry (about 7.1 hours). */
export async function purgeDeliveries(d1: D1Database, nowMs: number): Promise<number> {
  const result = await d1.prepare("DELETE FROM processed_events WHERE received_at < ?").bind(nowMs - DEDUPE_KEEP_MS).run();
  return result.meta.changes;
}
