import { loadConfig, type Bindings } from "../env.ts";
import { logger } from "../log.ts";
import { deliveryClock, type DeliveryClock } from "../test-clock.ts";
import type { OutboxQueueMessage } from "./outbox.ts";
import { claimRows, DEFAULT_BACKOFF_BASE_MS, FIRST_ATTEMPT_TIMEOUT_MS, sendClaimed, type SendReport } from "./send.ts";

export { backoffMs, classifyFailure, recipientOf, type Outcome } from "./send.ts";

/**
 * The outbox queue consumer: bulk sends (weekly plan, digest, reminders) and
 * every answer the fast path (fast-path.ts) could not send. One invocation
 * handles one queue batch (≤ 100 messages, see wrangler.toml) in a fixed handful
 * of D1 round trips:
 *   1. claim the rows (pending/failed → sending) in one statement,
 *   2. reserve send slots in the shared rate limiter (rate-limit.ts: 2 round trips),
 *   3. send each message no earlier than its slot, at most 6 in flight, giving up
 *      on an answer slower than its attempt allows (0.5 s on the first, doubling; send.ts),
 *   4. record every outcome in one statement.
 * A failed row goes back to the queue with the delay Feishu asked for (or at once
 * for a first 5xx), so no retry waits inside an invocation and holds up the next
 * batch. A batch of 100 sends (and a token refresh) needs Workers Paid's subrequest
 * budget per invocation. Rows without a slot within MAX_HOLD_MS are deferred
 * back to the queue (no attempt used).
 */

/** the longest an invocation waits for a rate-limit slot before deferring to the queue */
export const MAX_HOLD_MS = 70_000;
/** at most this many sends per invocation, whatever the batch size (subrequest budget) */
export const SEND_CAP = 100;

/** Optional test-only tuning (bound by test/support/worker.ts); production uses the defaults. */
type DeliveryVars = { DELIVERY_BACKOFF_BASE_MS?: string; DELIVERY_ATTEMPT_TIMEOUT_MS?: string };

export function backoffBase(env: Bindings): number {
  const value = Number((env as Bindings & DeliveryVars).DELIVERY_BACKOFF_BASE_MS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_BACKOFF_BASE_MS;
}

/** The first attempt's wait for an answer: FIRST_ATTEMPT_TIMEOUT_MS, unless a test on a loaded machine sets it longer. */
export function firstAttemptTimeout(env: Bindings): number {
  const value = Number((env as Bindings & DeliveryVars).DELIVERY_ATTEMPT_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : FIRST_ATTEMPT_TIMEOUT_MS;
}

/**
 * The queue delay, in whole seconds, of a message to be tried again after `delayMs` (the consumer's retries, the fast
 * path's hand-over to the queue). A test that holds delivery's clock (src/test-clock.ts) has the delay waited out on that
 * clock instead and the message handed over at once: Miniflare's queue delays are seconds of real time, which the test
 * would otherwise live through (a 429's x-ogw-ratelimit-reset, say).
 */
export async function retryDelayOn(clock: DeliveryClock): Promise<(delayMs: number) => Promise<number>> {
  if (!clock.held) return async (delayMs) => Math.ceil(delayMs / 1000);
  const from = await clock.now();
  return async (delayMs) => {
    if (delayMs > 0) await clock.until(from + delayMs, "delivery:retry");
    return 0;
  };
}

/** The queue consumer: claims the batch's rows, sends them under the shared rate limiter, records the outcomes. */
export async function consumeOutbox(batch: MessageBatch<OutboxQueueMessage>, env: Bindings): Promise<void> {
  const started = Date.now();
  const config = loadConfig(env);
  const byUuid = new Map<string, Message<OutboxQueueMessage>[]>();
  for (const message of batch.messages) {
    const uuid = message.body?.uuid;
    if (typeof uuid !== "string" || uuid.length === 0 || uuid.length > 50) {
      message.ack();
      continue;
    }
    byUuid.set(uuid, [...(byUuid.get(uuid) ?? []), message]);
  }
  // More than SEND_CAP distinct rows (a misconfigured batch size): hand the surplus straight back.
  const uuids = [...byUuid.keys()];
  for (const uuid of uuids.slice(SEND_CAP)) for (const message of byUuid.get(uuid)!) message.retry({ delaySeconds: 0 });
  const mine = uuids.slice(0, SEND_CAP);
  if (mine.length === 0) return;

  const claimed = await claimRows(env.DB, mine, started);
  const claimedUuids = new Set(claimed.map((row) => row.uuid));
  // Already sent, being sent by someone else (e.g. the fast path), or dead: nothing to do for those queue messages.
  for (const uuid of mine) if (!claimedUuids.has(uuid)) for (const message of byUuid.get(uuid)!) message.ack();
  if (claimed.length === 0) return;

  // a test that holds delivery's clock moves it only while this work waits on it (src/test-clock.ts)
  const clock = deliveryClock(env);
  const end = await clock.begin();
  let counts: SendReport["counts"];
  try {
    const report = await sendClaimed(env, config, claimed, { maxHoldMs: MAX_HOLD_MS, backoffBaseMs: backoffBase(env), firstAttemptTimeoutMs: firstAttemptTimeout(env), route: "queue", clock });
    counts = report.counts;
    const retryDelay = await retryDelayOn(clock);
    await Promise.all(
      report.results.map(async (result) => {
        const delaySeconds = result.done ? 0 : await retryDelay(result.delayMs);
        for (const message of byUuid.get(result.uuid) ?? []) {
          if (result.done) message.ack();
          else message.retry({ delaySeconds });
        }
      }),
    );
  } finally {
    await end();
  }
  logger.info({ route: "queue", outcome: "batch", messages: batch.messages.length, claimed: claimed.length, ...counts, ms: Date.now() - started });
}
