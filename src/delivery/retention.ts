/**
 * Retention of delivered messages: a sent row (an export's CSV of up to 1.5 MB included) or a dead one is
 * kept 30 days for `发送状态` and the logs, then deleted. Cards stop being updatable after 14 days, and no
 * job re-sends anything that old, so a deleted row's uuid is never needed again.
 */
export const OUTBOX_KEEP_MS = 30 * 24 * 60 * 60 * 1000;
/** Per run (every 5 minutes): enough for any office's daily volume, small enough for one quick statement. */
const PURGE_LIMIT = 2_000;

export async function purgeDeliveredOutbox(d1: D1Database, nowMs: number): Promise<number> {
  const result = await d1
    .prepare("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state IN ('sent', 'dead') AND updated_at < ?1 ORDER BY id LIMIT ?2)")
    .bind(nowMs - OUTBOX_KEEP_MS, PURGE_LIMIT)
    .run();
  return result.meta.changes;
}
