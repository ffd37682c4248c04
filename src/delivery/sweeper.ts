import type { Bindings } from "../env.ts";
import { enqueueDelivery } from "./outbox.ts";

/** A row still `pending`/`failed` this long after it was due has lost its queue message. */
const LOST_AFTER_MS = 2 * 60 * 1000;
/** A row `sending` this long was claimed by a consumer that died mid-send. */
const STUCK_SENDING_MS = 5 * 60 * 1000;
const SWEEP_LIMIT = 5_000;

/**
 * Re-queues messages whose queue message was lost or whose sender died.
 * Sends nothing twice: the consumer re-claims by state, and Feishu's uuid
 * drops a repeat of a send that did go out.
 */
export async function sweepOutbox(env: Pick<Bindings, "DB" | "OUTBOX">, nowMs: number): Promise<number> {
  const [, due] = await env.DB.batch<{ uuid: string }>([
    env.DB.prepare("UPDATE outbox SET state = 'pending', updated_at = ?1 WHERE state = 'sending' AND updated_at < ?2").bind(nowMs, nowMs - STUCK_SENDING_MS),
    env.DB.prepare(
      "SELECT uuid FROM outbox WHERE state IN ('pending', 'failed') AND next_attempt_at < ?1 AND updated_at < ?1 - ?2 ORDER BY id LIMIT ?3",
    ).bind(nowMs, LOST_AFTER_MS, SWEEP_LIMIT),
  ]);
  const uuids = (due?.results ?? []).map((row) => row.uuid);
  if (uuids.length) await enqueueDelivery(env, uuids);
  return uuids.length;
}
