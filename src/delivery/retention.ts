/**
 * Retention of delivered messages: a sent row (an export's CSV of up to 1.5 MB included) or a dead one is
 * kept 30 days for `发送状态` and the logs, then deleted. Cards stop being updatable after 14 days, and no
 * job re-sends anything that old, so a deleted row's uuid is never needed again.
 */
import { and, inArray, lt } from "drizzle-orm";
import { openDb } from "../db/client.ts";
import { outbox } from "../db/schema.ts";

export const OUTBOX_KEEP_MS = 30 * 24 * 60 * 60 * 1000;
/** Per run (every 5 minutes): enough for any office's daily volume, small enough for one quick statement. */
const PURGE_LIMIT = 2_000;

export async function purgeDeliveredOutbox(d1: D1Database, nowMs: number): Promise<number> {
  const db = openDb(d1);
  const oldest = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(inArray(outbox.state, ["sent", "dead"]), lt(outbox.updatedAt, nowMs - OUTBOX_KEEP_MS)))
    .orderBy(outbox.id)
    .limit(PURGE_LIMIT);
  const result = await db.delete(outbox).where(inArray(outbox.id, oldest)).run();
  return result.meta.changes;
}
