import type { Bindings } from "../env.ts";
import { logger } from "../log.ts";
import { deathCause, DEDUPE_WINDOW_MS, EXPIRED_PREFIX, GIVE_UP_AT_SQL, MAX_AGE_SQL, UNSURE_PREFIX } from "./give-up.ts";
import { enqueueDelivery, type OutboxQueueMessage } from "./outbox.ts";

/** A row still `pending`/`failed` this long after it was due has lost its queue message. */
export const LOST_AFTER_MS = 2 * 60 * 1000;
/**
 * A row `sending` this long was claimed by a consumer that died mid-send. A live
 * invocation holds its rows at most MAX_HOLD_MS (70 s) plus one request timeout.
 */
const STUCK_SENDING_MS = 5 * 60 * 1000;
/** Per sweep (every 5 minutes): 30 queue sendBatch calls of 100, well inside the subrequest budget. */
const SWEEP_LIMIT = 3_000;

export interface SweepReport {
  /** rows handed to the queue again (lost queue message, dead sender, revived) */
  requeued: number;
  /** rows given up because they were too old (dead, `expired: …`) */
  expired: number;
  /** rows not resent because an attempt may have arrived and Feishu's uuid window is over (dead, `unsure: …`) */
  unsure: number;
  /** dead rows of a transient cause brought back while still within their age */
  revived: number;
}

/**
 * Every 5 minutes, with the cron's time as "now":
 * - releases rows stuck in `sending` (their sender died, perhaps after sending: Feishu's uuid hour starts at
 *   its claim) and re-queues them;
 * - gives up rows past their deadline (give-up.ts: answers 2 h, others 24 h) and rows whose attempt may
 *   have arrived once Feishu's one-hour uuid window is over — neither is sent again; the office's admins
 *   are told (usecases/delivery-alerts.ts);
 * - revives dead rows whose cause was transient (a 5xx, the network, a rate limit: rows that died by
 *   count before migration 0006, or handed over by the dead-letter queue) while they are within their age;
 * - re-queues rows whose queue message was lost (still due two minutes after they should have gone).
 * Sends nothing twice: the consumer re-claims by state (pending/failed → sending, one winner), and
 * Feishu's uuid drops a repeat of a send that did go out before the sender died.
 */
export async function sweepOutbox(env: Pick<Bindings, "DB" | "OUTBOX">, nowMs: number): Promise<SweepReport> {
  const d1 = env.DB;
  const [stuck, expired, unsure, due, deadWithinAge] = await d1.batch<{ id: number; uuid: string; last_error?: string | null }>([
    d1
      .prepare(
        // the dead sender may have sent it: its claim (updated_at) starts Feishu's uuid hour, as a timed-out attempt does
        `UPDATE outbox SET state = 'pending', maybe_sent_at = COALESCE(maybe_sent_at, updated_at), updated_at = ?1
         WHERE id IN (SELECT id FROM outbox WHERE state = 'sending' AND updated_at < ?2 ORDER BY id LIMIT ?3) RETURNING id, uuid`,
      )
      .bind(nowMs, nowMs - STUCK_SENDING_MS, SWEEP_LIMIT),
    d1
      .prepare(
        `UPDATE outbox SET state = 'dead', last_error = '${EXPIRED_PREFIX}' || COALESCE(last_error, 'not sent'), updated_at = ?1
         WHERE id IN (SELECT id FROM outbox WHERE state IN ('pending', 'failed') AND ${GIVE_UP_AT_SQL} <= ?1 ORDER BY id LIMIT ?2) RETURNING id, uuid`,
      )
      .bind(nowMs, SWEEP_LIMIT),
    d1
      .prepare(
        `UPDATE outbox SET state = 'dead', last_error = '${UNSURE_PREFIX}' || COALESCE(last_error, 'no answer'), updated_at = ?1
         WHERE id IN (SELECT id FROM outbox WHERE state IN ('pending', 'failed') AND maybe_sent_at + ${DEDUPE_WINDOW_MS} <= ?1 ORDER BY id LIMIT ?2) RETURNING id, uuid`,
      )
      .bind(nowMs, SWEEP_LIMIT),
    d1
      .prepare(
        "SELECT id, uuid FROM outbox WHERE state IN ('pending', 'failed') AND next_attempt_at < ?1 AND updated_at < ?1 - ?2 ORDER BY id LIMIT ?3",
      )
      .bind(nowMs, LOST_AFTER_MS, SWEEP_LIMIT),
    d1
      .prepare(
        `SELECT id, uuid, last_error FROM outbox WHERE state = 'dead' AND ${GIVE_UP_AT_SQL} > ?1 AND (maybe_sent_at IS NULL OR maybe_sent_at + ${DEDUPE_WINDOW_MS} > ?1)
         AND (last_error LIKE 'feishu 5%' OR last_error LIKE 'feishu 429%' OR last_error LIKE 'network:%' OR last_error LIKE '%code 9999%' OR last_error LIKE '%code 230020%')
         ORDER BY id LIMIT ?2`,
      )
      .bind(nowMs, SWEEP_LIMIT),
  ]);
  const toRevive = (deadWithinAge?.results ?? []).filter((row) => deathCause(row.last_error ?? null) === "retryable");
  if (toRevive.length) {
    await d1
      .prepare("UPDATE outbox SET state = 'failed', next_attempt_at = ?1, updated_at = ?1 WHERE id IN (SELECT value FROM json_each(?2)) AND state = 'dead'")
      .bind(nowMs, JSON.stringify(toRevive.map((row) => row.id)))
      .run();
  }
  const given = new Set([...(expired?.results ?? []), ...(unsure?.results ?? [])].map((row) => row.uuid));
  const uuids = [...new Set([...(stuck?.results ?? []), ...(due?.results ?? []), ...toRevive].map((row) => row.uuid))].filter((uuid) => !given.has(uuid));
  if (uuids.length) await enqueueDelivery(env, uuids);
  const report = { requeued: uuids.length, expired: expired?.results.length ?? 0, unsure: unsure?.results.length ?? 0, revived: toRevive.length };
  if (report.expired || report.unsure || report.revived) logger.info({ route: "delivery", outcome: "swept", ...report });
  return report;
}

/**
 * The dead-letter queue's consumer: a queue message that ran out of the queue's retries (wrangler.toml
 * `max_retries`, e.g. the consumer failed on every try during a D1 outage) loses nothing: its row, if
 * still to be sent, is marked as lost so the next sweep (≤ 5 minutes) queues it again; rows already sent,
 * dead or being sent are left as they are. Only if the mark cannot be written is the batch retried.
 */
export async function handBackToSweeper(batch: MessageBatch<OutboxQueueMessage>, env: Pick<Bindings, "DB">, nowMs: number): Promise<void> {
  const uuids = [...new Set(batch.messages.map((message) => message.body?.uuid).filter((uuid): uuid is string => typeof uuid === "string" && uuid.length > 0 && uuid.length <= 50))];
  if (uuids.length) {
    const result = await env.DB.prepare(
      `UPDATE outbox SET next_attempt_at = MIN(next_attempt_at, ?1), updated_at = MIN(updated_at, ?1 - ?2)
       WHERE uuid IN (SELECT value FROM json_each(?3)) AND state IN ('pending', 'failed')`,
    )
      .bind(nowMs - 1, LOST_AFTER_MS + 1, JSON.stringify(uuids))
      .run();
    logger.info({ route: "queue:dead_letter", outcome: "handed_to_sweeper", messages: batch.messages.length, rows: result.meta.changes });
  }
  batch.ackAll();
}

/**
 * Dead rows (up to `maxId`) back to pending: the manager's `retry` button. Their time starts again (a new
 * deadline from now) and so does Feishu's uuid window: a row that died `unsure` may then arrive twice,
 * which the button's answer says. A delayed card update keeps its deadline from when it was written: its
 * callback's token does not start again (give-up.ts, CARD_UPDATE_MAX_AGE_MS).
 */
export const REQUEUE_DEAD_SQL = `UPDATE outbox SET state = 'pending', attempts = 0, last_error = NULL, maybe_sent_at = NULL, next_attempt_at = ?1,
  give_up_at = CASE WHEN operation = 'card_update' THEN created_at ELSE ?1 END + ${MAX_AGE_SQL}, updated_at = ?1 WHERE state = 'dead' AND id <= ?2`;
