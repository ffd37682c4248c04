import type { Bindings } from "../env.ts";
import { enqueueDelivery } from "./outbox.ts";

/** A row still `pending`/`failed` this long after it was due has lost its queue message. */
const LOST_AFTER_MS = 2 * 60 * 1000;
/**
 * A row `sending` this long was claimed by a consumer that died mid-send. A live
 * invocation holds its rows at most MAX_HOLD_MS (70 s) plus one request timeout.
 */
const STUCK_SENDING_MS = 5 * 60 * 1000;
/** Per sweep (every 5 minutes): 30 queue sendBatch calls of 100, well inside the subrequest budget. */
const SWEEP_LIMIT = 3_000;

/**
 * Re-queues messages whose queue message was lost or whose sender died.
 * Sends nothing twice: the consumer re-claims by state (pending/failed →
 * sending, one winner), and Feishu's uuid drops a repeat of a send that did go
 * out before the sender died.
 */
export async function sweepOutbox(env: Pick<Bindings, "DB" | "OUTBOX">, nowMs: number): Promise<number> {
  const [due, stuck] = await env.DB.batch<{ uuid: string }>([
    env.DB.prepare(
      "SELECT uuid FROM outbox WHERE state IN ('pending', 'failed') AND next_attempt_at < ?1 AND updated_at < ?1 - ?2 ORDER BY id LIMIT ?3",
    ).bind(nowMs, LOST_AFTER_MS, SWEEP_LIMIT),
    env.DB.prepare(
      "UPDATE outbox SET state = 'pending', updated_at = ?1 WHERE id IN (SELECT id FROM outbox WHERE state = 'sending' AND updated_at < ?2 ORDER BY id LIMIT ?3) RETURNING uuid",
    ).bind(nowMs, nowMs - STUCK_SENDING_MS, SWEEP_LIMIT),
  ]);
  const uuids = [...new Set([...(due?.results ?? []), ...(stuck?.results ?? [])].map((row) => row.uuid))];
  if (uuids.length) await enqueueDelivery(env, uuids);
  return uuids.length;
}

/** Dead rows (up to `maxId`) back to pending, attempts reset: the manager's `retry` button. */
export const REQUEUE_DEAD_SQL =
  "UPDATE outbox SET state = 'pending', attempts = 0, last_error = NULL, next_attempt_at = ?1, updated_at = ?1 WHERE state = 'dead' AND id <= ?2";
