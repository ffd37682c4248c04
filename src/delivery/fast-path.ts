import { loadConfig, type Bindings } from "../env.ts";
import { logger } from "../log.ts";
import { deliveryClock } from "../test-clock.ts";
import { backoffBase, firstAttemptTimeout, retryDelayOn } from "./consumer.ts";
import { enqueueDelivery, type FastPath } from "./outbox.ts";
import type { LimiterState } from "./rate-limit.ts";
import { sendClaimed, type OutboxRow } from "./send.ts";

/**
 * The fast path for answers: the commit that writes an answer's outbox row inserts it already
 * claimed (`sending`, attempt 1) and reads the rate limiter's state in the same D1 batch; right
 * after, the same invocation sends it under the shared limiter and records the outcome. The row is
 * not queued at commit; whatever this cannot send (a failure, no slot within FAST_HOLD_MS) is
 * queued here, once, with the delay its failure calls for. If the invocation dies first, the row
 * stays `sending` and the sweeper releases and queues it (sweeper.ts). Either way a row is sent only
 * by whoever holds its claim, and a resend carries the same uuid.
 */

/** the longest an answer waits here for a rate-limit slot before it is left to the queue */
export const FAST_HOLD_MS = 1_500;
/**
 * At most this many fast sends at once in one isolate: a burst of commands this size (half a second of
 * Feishu's 50/s) is answered at once, reserving its slots one after another in this isolate
 * (rate-limit.ts); beyond it answers go by the queue, whose batches reserve 40 slots in one
 * compare-and-set. A burst's answers are paced at Feishu's rate either way.
 */
export const FAST_PATH_CONCURRENCY = 24;
let active = 0;

export function fastPath(env: Bindings, waitUntil?: (promise: Promise<unknown>) => void): FastPath {
  return {
    tryBegin: () => (active < FAST_PATH_CONCURRENCY ? (active++, true) : false),
    cancel: () => void active--,
    deliver: (rows, limiter) => deliverNow(env, rows, limiter).finally(() => void active--),
    waitUntil,
  };
}

async function deliverNow(env: Bindings, claimed: OutboxRow[], limiter: LimiterState): Promise<void> {
  const started = Date.now();
  let queued = 0;
  // a test that holds delivery's clock moves it only while this work waits on it (src/test-clock.ts)
  const clock = deliveryClock(env);
  const end = await clock.begin();
  try {
    const { results, counts } = await sendClaimed(env, loadConfig(env), claimed, { maxHoldMs: FAST_HOLD_MS, backoffBaseMs: backoffBase(env), firstAttemptTimeoutMs: firstAttemptTimeout(env), route: "fast_path", limiter, replanLate: true, clock });
    const byDelay = new Map<number, string[]>();
    for (const result of results) {
      if (result.done) continue;
      const delaySeconds = Math.ceil(result.delayMs / 1000);
      byDelay.set(delaySeconds, [...(byDelay.get(delaySeconds) ?? []), result.uuid]);
    }
    const queueDelay = await retryDelayOn(clock);
    for (const [delaySeconds, uuids] of byDelay) {
      await enqueueDelivery(env, uuids, await queueDelay(delaySeconds * 1000));
      queued += uuids.length;
    }
    // each send has its own delivery line; this one only when something was left to the queue
    if (queued > 0 || counts.sent < claimed.length) logger.info({ route: "fast_path", outcome: "queued", claimed: claimed.length, ...counts, queued, ms: Date.now() - started });
  } catch (error) {
    // Rows still `sending` wait for the sweeper (it releases rows stuck in `sending`); failed ones not yet queued are found by it too.
    logger.error({ route: "fast_path", outcome: "error", claimed: claimed.length, queued, ms: Date.now() - started }, error);
  } finally {
    await end();
  }
}
