import type { Bindings } from "../env.ts";
import { abortingWith, FeishuClient } from "../feishu/client.ts";
import type { Config } from "../env.ts";
import { logger } from "../log.ts";
import { deliveryClock, type DeliveryClock, type DeliveryClockVars } from "../test-clock.ts";
import { DEDUPE_WINDOW_MS, GIVE_UP_AT_SQL, maxAgeMs } from "./give-up.ts";
import { bumpAppTatStatement, lateSendsStatements, RECIPIENT_SPACING_MS, reserveSlots, type LimiterState } from "./rate-limit.ts";
import { attemptTimeoutMs, classifyFailure, errorText, LATE_MS, MAX_IN_FLIGHT, recipientOf, type OutboxRow } from "./send-policy.ts";

export {
  attemptTimeoutMs,
  backoffMs,
  classifyFailure,
  DEFAULT_BACKOFF_BASE_MS,
  FIRST_ATTEMPT_TIMEOUT_MS,
  recipientOf,
  type Limits,
  type Outcome,
  type OutboxRow,
} from "./send-policy.ts";

/**
 * Sending claimed outbox rows, shared by the queue consumer (consumer.ts) and
 * the fast path for answers (fast-path.ts). Exactly-once on our side is the
 * row's state: a row is sent only by whoever moved it pending/failed → sending
 * (one UPDATE, one winner); on Feishu's side a resend carries the same uuid.
 *
 * A row is retried until it is too old to be worth sending (give-up.ts: answers 2 h, anything else 24 h),
 * not a number of times; an error Feishu will give again (bad receive_id, 230013, a card it refuses)
 * kills it at once. A row whose attempt may have reached Feishu is not sent again once Feishu's one-hour
 * uuid window is over (it could arrive twice): it dies with the cause `unsure`.
 */

async function deliver(client: FeishuClient, row: OutboxRow): Promise<string | undefined> {
  const message = { msgType: row.msg_type, content: row.content, uuid: row.uuid };
  switch (row.operation) {
    case "send":
      return client.send(row.receive_id_type!, row.receive_id!, message);
    case "reply":
      return client.reply(row.target_message_id!, message);
    case "update":
      await client.updateCard(row.target_message_id!, row.content);
      return row.target_message_id ?? undefined;
    case "card_update":
      await client.delayedCardUpdate(row.target_message_id!, JSON.parse(row.content));
      return undefined;
  }
}

/** The columns a claimed row carries (OutboxRow). */
export const CLAIMED_COLUMNS = "id, uuid, operation, receive_id_type, receive_id, target_message_id, msg_type, content, attempts, last_error, give_up_at, maybe_sent_at";

/** Hand-written: the exactly-once claim (state-guarded, json_each over the uuids, RETURNING the claimed rows as OutboxRow). */
const CLAIM_SQL = `UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?1
WHERE uuid IN (SELECT value FROM json_each(?2)) AND state IN ('pending', 'failed')
  AND ${GIVE_UP_AT_SQL} > ?1 AND (maybe_sent_at IS NULL OR maybe_sent_at + ${DEDUPE_WINDOW_MS} > ?1)
RETURNING ${CLAIMED_COLUMNS}`;

/**
 * Moves the rows that are still to be sent to `sending` (one statement; only one claimant wins a row).
 * A row past its deadline or its uuid window is not claimed: the sweeper gives it up (sweeper.ts).
 */
export async function claimRows(d1: D1Database, uuids: readonly string[], nowMs: number): Promise<OutboxRow[]> {
  if (uuids.length === 0) return [];
  const claimed = (await d1.prepare(CLAIM_SQL).bind(nowMs, JSON.stringify(uuids)).all<OutboxRow>()).results;
  return claimed.sort((a, b) => a.id - b.id);
}

/** One statement records every outcome; only rows still `sending` (ours) change. Hand-written: UPDATE … FROM json_each, which drizzle cannot build. */
const RECORD_SQL = `UPDATE outbox SET
  state = json_extract(j.value, '$.state'),
  message_id = COALESCE(json_extract(j.value, '$.messageId'), outbox.message_id),
  sent_at = json_extract(j.value, '$.sentAt'),
  last_error = json_extract(j.value, '$.error'),
  next_attempt_at = json_extract(j.value, '$.next'),
  maybe_sent_at = COALESCE(outbox.maybe_sent_at, json_extract(j.value, '$.maybeSentAt')),
  attempts = outbox.attempts - json_extract(j.value, '$.refund'),
  updated_at = ?1
FROM json_each(?2) AS j
WHERE outbox.id = json_extract(j.value, '$.id') AND outbox.state = 'sending'`;

interface OutcomeRecord {
  id: number;
  state: "sent" | "failed" | "dead" | "pending";
  messageId: string | null;
  sentAt: number | null;
  error: string | null;
  next: number;
  refund: number;
  maybeSentAt?: number | null;
}

/** What became of one claimed row: acknowledged (sent or dead), or to be tried again after `delayMs`. */
export type RowResult = { uuid: string; done: true } | { uuid: string; done: false; delayMs: number };

export interface SendOptions {
  /** the longest to wait for a rate-limit slot; rows without one are handed back untouched (attempt refunded) */
  maxHoldMs: number;
  /** backoff base for 5xx / network errors (DEFAULT_BACKOFF_BASE_MS in production) */
  backoffBaseMs: number;
  /** how long a first attempt waits for Feishu's answer (FIRST_ATTEMPT_TIMEOUT_MS in production) */
  firstAttemptTimeoutMs?: number;
  /** the log line's route */
  route: string;
  /** the limiter's state, read in the caller's own batch (saves the first round trip) */
  limiter?: LimiterState;
  /**
   * Plan a send again rather than send it well after its slot (the fast path: many small invocations
   * at once, whose late sends to one chat could bunch). The consumer keeps its own spacing between
   * its sends and does not: a re-planned slot is spent budget, which a fan-out cannot afford.
   */
  replanLate?: boolean;
  /** the clock of this invocation's delivery (deliveryClock: the wall clock but in a test that holds it) */
  clock?: DeliveryClock;
}

export interface SendReport {
  results: RowResult[];
  counts: { sent: number; failed: number; dead: number; deferred: number; abandoned: number };
}


/** A counting semaphore: at most `limit` sends in flight. */
function pool(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async acquire() {
      if (active < limit) {
        active++;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else active--;
    },
  };
}

/**
 * Sends claimed rows under the shared rate limiter and records every outcome in one statement:
 * reserve slots (2 D1 round trips), send each no earlier than its slot with at most 6 in flight,
 * give up on an answer that takes longer than its attempt allows (attemptTimeoutMs), record.
 */
export async function sendClaimed(env: Pick<Bindings, "DB"> & DeliveryClockVars, config: Config, claimed: readonly OutboxRow[], options: SendOptions): Promise<SendReport> {
  const counts = { sent: 0, failed: 0, dead: 0, deferred: 0, abandoned: 0 };
  if (claimed.length === 0) return { results: [], counts };
  // the limiter's time: the wall clock (a test may hold it: src/test-clock.ts), whose state read at the commit is read again
  const clock = options.clock ?? deliveryClock(env);
  let preRead = clock.held ? undefined : options.limiter;
  const reserve = async (rows: readonly OutboxRow[]) =>
    // If the limiter cannot be reached, send nothing now: those rows are deferred (released below).
    reserveSlots(env.DB, rows.map(recipientOf), await clock.now(), options.maxHoldMs, preRead ? ((preRead = undefined), options.limiter) : undefined, clock.now).catch((error: unknown) => {
      logger.error({ route: options.route, outcome: "limiter_unavailable", claimed: rows.length }, error);
      return [];
    });
  const client = new FeishuClient(config, env.DB, { resendAfterExpiredToken: false });
  const records: OutcomeRecord[] = [];
  const results: RowResult[] = [];
  const inFlight = pool(MAX_IN_FLIGHT);
  const lastToRecipient = new Map<string, number>();
  let lastDispatch = 0;
  let lastSlotAt = 0;
  const dispatches: { plannedAt: number; sentAt: number }[] = [];
  const sends: Promise<void>[] = [];

  const failed = (row: OutboxRow, error: unknown, abandoned: boolean) => {
    const now = Date.now();
    const limits = { nowMs: now, giveUpAt: row.give_up_at ?? now + maxAgeMs(row), maybeSentAt: row.maybe_sent_at };
    const outcome = classifyFailure(error, row.attempts, options.backoffBaseMs, Math.random, row.last_error, limits);
    if (outcome.kind === "dead") {
      records.push({ id: row.id, state: "dead", messageId: null, sentAt: null, error: outcome.reason.slice(0, 300), next: now, refund: 0 });
      results.push({ uuid: row.uuid, done: true });
      counts.dead++;
    } else if (outcome.kind === "failed") {
      records.push({ id: row.id, state: "failed", messageId: null, sentAt: null, error: errorText(error), next: now + outcome.delayMs, refund: 0, maybeSentAt: outcome.maybeSentAt });
      results.push({ uuid: row.uuid, done: false, delayMs: outcome.delayMs });
      if (abandoned) counts.abandoned++;
      else counts.failed++;
    }
    logger.error(
      { route: "delivery", outcome: outcome.kind === "dead" ? "dead" : abandoned ? "abandoned" : "retry", uuid: row.uuid, operation: row.operation, attempts: row.attempts, via: options.route },
      error,
    );
  };

  // Slots are planned against other invocations' sends: one dispatched well after its slot (this isolate
  // was busy) could bunch up with theirs, so with replanLate it is planned again (twice; then deferred).
  let toPlan: OutboxRow[] = [...claimed];
  const granted = new Set<number>();
  for (let round = 0; round < 3 && toPlan.length > 0; round++) {
    const slots = await reserve(toPlan);
    const late: OutboxRow[] = [];
    for (const slot of slots) {
      const row = toPlan[slot.index]!;
      const recipient = recipientOf(row);
      await clock.until(slot.at, "delivery:slot");
      await inFlight.acquire();
      // A late start (connections busy) must still keep the planned spacing between real sends (none within a burst).
      const notBefore = Math.max(lastDispatch + Math.max(0, slot.at - lastSlotAt), (lastToRecipient.get(recipient) ?? 0) + RECIPIENT_SPACING_MS);
      // checked after the last wait: workerd's clock only moves at I/O and timers
      const dispatchedAt = await clock.until(notBefore, "delivery:slot");
      if (options.replanLate && dispatchedAt - slot.at > LATE_MS) {
        inFlight.release();
        late.push(row);
        continue;
      }
      granted.add(row.id);
      const started = Date.now();
      lastDispatch = dispatchedAt;
      lastSlotAt = slot.at;
      dispatches.push({ plannedAt: slot.at, sentAt: dispatchedAt });
      lastToRecipient.set(recipient, dispatchedAt);
      const sent = await clock.begin();
      const timeout = AbortSignal.timeout(attemptTimeoutMs(row.attempts, row.last_error, options.firstAttemptTimeoutMs));
      const send = abortingWith(timeout, () => deliver(client, row))
        .then(
          (messageId) => {
            const now = Date.now();
            records.push({ id: row.id, state: "sent", messageId: messageId ?? null, sentAt: now, error: null, next: now, refund: 0 });
            results.push({ uuid: row.uuid, done: true });
            counts.sent++;
            logger.info({ route: "delivery", outcome: "sent", uuid: row.uuid, operation: row.operation, attempts: row.attempts, ms: now - started, via: options.route });
          },
          (error: unknown) => failed(row, error, timeout.aborted),
        )
        .finally(() => {
          inFlight.release();
          return sent();
        });
      sends.push(send);
    }
    toPlan = late;
  }
  // every attempt ends by its own timeout
  await Promise.all(sends);

  // Rows with no slot within maxHoldMs go back untouched (the claim's attempt is refunded).
  const deferMs = Math.max(0, Math.min(options.maxHoldMs / 2, 35_000));
  claimed.forEach((row) => {
    if (granted.has(row.id)) return;
    records.push({ id: row.id, state: "pending", messageId: null, sentAt: null, error: null, next: Date.now() + deferMs, refund: 1 });
    results.push({ uuid: row.uuid, done: false, delayMs: deferMs });
    counts.deferred++;
  });

  const statements = [env.DB.prepare(RECORD_SQL).bind(Date.now(), JSON.stringify(records))];
  if (lastDispatch > 0) statements.push(bumpAppTatStatement(env.DB, lastDispatch));
  statements.push(...lateSendsStatements(env.DB, dispatches));
  await env.DB.batch(statements);
  return { results, counts };
}
