import { and, eq, inArray, isNull, like, lt, or, sql } from "drizzle-orm";
import { openDb } from "../db/client.ts";
import { inJson } from "../db/fragments.ts";
import { outbox } from "../db/schema.ts";
import type { Bindings } from "../env.ts";
import { logger } from "../log.ts";
import { deathCause, DEDUPE_WINDOW_MS, EXPIRED_PREFIX, GIVE_UP_AT_SQL, UNSURE_PREFIX } from "./give-up.ts";
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
  const db = openDb(env.DB);
  // the deadline and the uuid window, over the row's own columns (give-up.ts)
  const giveUpAt = sql.raw(GIVE_UP_AT_SQL);
  const windowEnd = sql`${outbox.maybeSentAt} + ${sql.raw(String(DEDUPE_WINDOW_MS))}`;
  const toSend = inArray(outbox.state, ["pending", "failed"]);
  /** the ids of the first SWEEP_LIMIT rows matching `where`, for a bulk update */
  const firstIds = (where: ReturnType<typeof and>) => inArray(outbox.id, db.select({ id: outbox.id }).from(outbox).where(where).orderBy(outbox.id).limit(SWEEP_LIMIT));
  const idAndUuid = { id: outbox.id, uuid: outbox.uuid };
  const [stuck, expired, unsure, due, deadWithinAge] = await db.batch([
    db
      // the dead sender may have sent it: its claim (updated_at) starts Feishu's uuid hour, as a timed-out attempt does
      .update(outbox)
      .set({ state: "pending", maybeSentAt: sql`COALESCE(${outbox.maybeSentAt}, ${outbox.updatedAt})`, updatedAt: nowMs })
      .where(firstIds(and(eq(outbox.state, "sending"), lt(outbox.updatedAt, nowMs - STUCK_SENDING_MS))))
      .returning(idAndUuid),
    db
      .update(outbox)
      .set({ state: "dead", lastError: sql`${EXPIRED_PREFIX} || COALESCE(${outbox.lastError}, 'not sent')`, updatedAt: nowMs })
      .where(firstIds(and(toSend, sql`${giveUpAt} <= ${nowMs}`)))
      .returning(idAndUuid),
    db
      .update(outbox)
      .set({ state: "dead", lastError: sql`${UNSURE_PREFIX} || COALESCE(${outbox.lastError}, 'no answer')`, updatedAt: nowMs })
      .where(firstIds(and(toSend, sql`${windowEnd} <= ${nowMs}`)))
      .returning(idAndUuid),
    db
      .select(idAndUuid)
      .from(outbox)
      .where(and(toSend, lt(outbox.nextAttemptAt, nowMs), lt(outbox.updatedAt, nowMs - LOST_AFTER_MS)))
      .orderBy(outbox.id)
      .limit(SWEEP_LIMIT),
    db
      .select({ ...idAndUuid, last_error: outbox.lastError })
      .from(outbox)
      .where(
        and(
          eq(outbox.state, "dead"),
          sql`${giveUpAt} > ${nowMs}`,
          or(isNull(outbox.maybeSentAt), sql`${windowEnd} > ${nowMs}`),
          or(
            like(outbox.lastError, "feishu 5%"),
            like(outbox.lastError, "feishu 429%"),
            like(outbox.lastError, "network:%"),
            like(outbox.lastError, "%code 9999%"),
            like(outbox.lastError, "%code 230020%"),
          ),
        ),
      )
      .orderBy(outbox.id)
      .limit(SWEEP_LIMIT),
  ]);
  const toRevive = deadWithinAge.filter((row) => deathCause(row.last_error) === "retryable");
  if (toRevive.length) {
    await db
      .update(outbox)
      .set({ state: "failed", nextAttemptAt: nowMs, updatedAt: nowMs })
      .where(and(inJson(outbox.id, toRevive.map((row) => row.id)), eq(outbox.state, "dead")))
      .run();
  }
  const given = new Set([...expired, ...unsure].map((row) => row.uuid));
  const uuids = [...new Set([...stuck, ...due, ...toRevive].map((row) => row.uuid))].filter((uuid) => !given.has(uuid));
  if (uuids.length) await enqueueDelivery(env, uuids);
  const report = { requeued: uuids.length, expired: expired.length, unsure: unsure.length, revived: toRevive.length };
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
    // due a moment ago, and last touched long enough ago for the sweep's "lost" test
    const dueAt = nowMs - 1;
    const result = await openDb(env.DB)
      .update(outbox)
      .set({ nextAttemptAt: sql`MIN(${outbox.nextAttemptAt}, ${dueAt})`, updatedAt: sql`MIN(${outbox.updatedAt}, ${dueAt - (LOST_AFTER_MS + 1)})` })
      .where(and(inJson(outbox.uuid, uuids), inArray(outbox.state, ["pending", "failed"])))
      .run();
    logger.info({ route: "queue:dead_letter", outcome: "handed_to_sweeper", messages: batch.messages.length, rows: result.meta.changes });
  }
  batch.ackAll();
}
