import { loadConfig, type Bindings } from "../env.ts";
import { logger } from "../log.ts";
import { backoffBase } from "./consumer.ts";
import { enqueueDelivery } from "./outbox.ts";
import { claimRows, sendClaimed } from "./send.ts";

/**
 * The fast path for answers: right after the commit that wrote their outbox rows,
 * the same invocation claims and sends them under the shared rate limiter, instead
 * of waiting for a queue batch. The rows were NOT queued at commit; whatever this
 * cannot send (a failure, no slot within FAST_HOLD_MS) is queued here, once, with
 * the delay its failure calls for. If the invocation dies first, the rows stay
 * pending (or sending) and the sweeper queues them (sweeper.ts). Either way a row
 * is sent by whoever claimed it, and a resend carries the same uuid.
 */

/** the longest an answer waits here for a rate-limit slot before it is left to the queue */
export const FAST_HOLD_MS = 1_500;

export async function deliverNow(env: Bindings, uuids: readonly string[]): Promise<void> {
  if (uuids.length === 0) return;
  const started = Date.now();
  let handedToQueue = 0;
  try {
    const claimed = await claimRows(env.DB, uuids, started);
    const { results, counts } = await sendClaimed(env, loadConfig(env), claimed, { maxHoldMs: FAST_HOLD_MS, backoffBaseMs: backoffBase(env), route: "fast_path" });
    const byDelay = new Map<number, string[]>();
    for (const result of results) {
      if (result.done) continue;
      const delaySeconds = Math.ceil(result.delayMs / 1000);
      byDelay.set(delaySeconds, [...(byDelay.get(delaySeconds) ?? []), result.uuid]);
    }
    for (const [delaySeconds, group] of byDelay) {
      await enqueueDelivery(env, group, delaySeconds);
      handedToQueue += group.length;
    }
    logger.info({ route: "fast_path", outcome: "done", messages: uuids.length, claimed: claimed.length, ...counts, queued: handedToQueue, ms: Date.now() - started });
  } catch (error) {
    // Rows claimed but not recorded stay `sending` until the sweeper releases them; unclaimed ones are queued now.
    logger.error({ route: "fast_path", outcome: "error", messages: uuids.length, ms: Date.now() - started }, error);
    await enqueueDelivery(env, uuids).catch((failure: unknown) => logger.error({ route: "fast_path", outcome: "enqueue_failed" }, failure));
  }
}
