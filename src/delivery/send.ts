import type { Bindings } from "../env.ts";
import { abortingWith, FeishuApiError, FeishuClient } from "../feishu/client.ts";
import type { Config } from "../env.ts";
import { logger } from "../log.ts";
import { bumpAppTatStatement, RECIPIENT_SPACING_MS, reserveSlots, type LimiterState } from "./rate-limit.ts";

/**
 * Sending claimed outbox rows, shared by the queue consumer (consumer.ts) and
 * the fast path for answers (fast-path.ts). Exactly-once on our side is the
 * row's state: a row is sent only by whoever moved it pending/failed → sending
 * (one UPDATE, one winner); on Feishu's side a resend carries the same uuid.
 */

export const MAX_ATTEMPTS = 8;
/** base of the exponential backoff for 5xx and network errors from the second retry on */
export const DEFAULT_BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 10 * 60 * 1000;
/** without `x-ogw-ratelimit-reset` (e.g. 230020), a rate-limit answer waits out the per-second window */
const RATE_LIMIT_DEFAULT_WAIT_MS = 1_000;
/** Workers allow 6 simultaneous open connections per invocation. */
const MAX_IN_FLIGHT = 6;
/**
 * After its last dispatch an invocation waits this long for answers still outstanding, then gives
 * them up (aborted, retried later with the same uuid: Feishu drops a repeat within an hour). So one
 * slow answer costs a batch at most this (1 s), not the 8 s request timeout.
 */
export const STRAGGLER_GRACE_MS = 1_000;
/** with a background to hand them to, answers still outstanding this long after the last dispatch are awaited there */
export const BACKGROUND_AFTER_MS = 300;
/** a send this much later than its slot is planned again */
const LATE_MS = 250;

export interface OutboxRow {
  id: number;
  uuid: string;
  operation: "send" | "reply" | "update" | "card_update";
  receive_id_type: "open_id" | "chat_id" | null;
  receive_id: string | null;
  target_message_id: string | null;
  msg_type: "text" | "interactive" | "file";
  content: string;
  attempts: number;
}

/**
 * How long to wait before the next attempt after a failure:
 * - rate limited (429 / 99991400 / 230020): exactly what `x-ogw-ratelimit-reset` says, or 1 s (the
 *   per-second windows) when it says nothing; the shared limiter spaces the retries, so no jitter;
 * - an expired token: at once (the client already fetched a new one);
 * - 5xx and network errors: the first retry at once (the next batch), then exponential with
 *   "equal jitter" (half fixed, half random) from `baseMs`, capped at 10 minutes.
 */
export function backoffMs(attempts: number, error: unknown, baseMs = DEFAULT_BACKOFF_BASE_MS, random: () => number = Math.random): number {
  if (error instanceof FeishuApiError && error.rateLimited) return Math.min(error.retryAfterMs ?? RATE_LIMIT_DEFAULT_WAIT_MS, BACKOFF_CAP_MS);
  if (error instanceof FeishuApiError && error.tokenInvalid) return 0;
  if (attempts <= 1) return 0;
  const exponential = Math.min(baseMs * 2 ** (attempts - 2), BACKOFF_CAP_MS);
  return exponential / 2 + (exponential / 2) * random();
}

export type Outcome =
  | { kind: "sent"; messageId: string | undefined }
  | { kind: "failed"; error: unknown; delayMs: number }
  | { kind: "dead"; error: unknown };

/** What to do after a failed attempt (pure). */
export function classifyFailure(error: unknown, attempts: number, baseMs: number, random: () => number = Math.random): Outcome {
  const retryable = !(error instanceof FeishuApiError) || error.retryable;
  if (!retryable || attempts >= MAX_ATTEMPTS) return { kind: "dead", error };
  return { kind: "failed", error, delayMs: backoffMs(attempts, error, baseMs, random) };
}

/**
 * Whose 5-per-second limit a row counts against (Feishu: 5/s to one user, 5/s per group chat shared
 * by all bots): the user for an open_id send, the chat for a chat_id send and for a reply (the outbox
 * keeps the replied-to message's chat in receive_id), the message for a PATCH (5/s per message).
 */
export function recipientOf(row: Pick<OutboxRow, "receive_id" | "target_message_id" | "operation">): string {
  if (row.operation === "card_update") return "card_update";
  if (row.operation === "update") return `message:${row.target_message_id ?? ""}`;
  return row.receive_id ?? row.target_message_id ?? "";
}

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const CLAIM_SQL = `UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?1
WHERE uuid IN (SELECT value FROM json_each(?2)) AND state IN ('pending', 'failed')
RETURNING id, uuid, operation, receive_id_type, receive_id, target_message_id, msg_type, content, attempts`;

/** Moves the rows that are still to be sent to `sending` (one statement; only one claimant wins a row). */
export async function claimRows(d1: D1Database, uuids: readonly string[], nowMs: number): Promise<OutboxRow[]> {
  if (uuids.length === 0) return [];
  const claimed = (await d1.prepare(CLAIM_SQL).bind(nowMs, JSON.stringify(uuids)).all<OutboxRow>()).results;
  return claimed.sort((a, b) => a.id - b.id);
}

/** One statement records every outcome; only rows still `sending` (ours) change. */
const RECORD_SQL = `UPDATE outbox SET
  state = json_extract(j.value, '$.state'),
  message_id = COALESCE(json_extract(j.value, '$.messageId'), outbox.message_id),
  sent_at = json_extract(j.value, '$.sentAt'),
  last_error = json_extract(j.value, '$.error'),
  next_attempt_at = json_extract(j.value, '$.next'),
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
}

/** What became of one claimed row: acknowledged (sent or dead), or to be tried again after `delayMs`. */
export type RowResult = { uuid: string; done: true } | { uuid: string; done: false; delayMs: number };

export interface SendOptions {
  /** the longest to wait for a rate-limit slot; rows without one are handed back untouched (attempt refunded) */
  maxHoldMs: number;
  /** backoff base for 5xx / network errors (DEFAULT_BACKOFF_BASE_MS in production) */
  backoffBaseMs: number;
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
  /**
   * Where answers still outstanding after the last dispatch are awaited (the invocation's waitUntil), so a
   * slow recipient does not hold up the caller's next batch: their outcomes are recorded there, and a failed
   * one is handed to `requeue` with its delay. Without it they are waited for up to STRAGGLER_GRACE_MS, then
   * given up (aborted, retried later with the same uuid).
   */
  background?: { waitUntil(work: Promise<unknown>): void; requeue(uuids: string[], delaySeconds: number): Promise<void> };
}

export interface SendReport {
  /** every claimed row's fate, except those still awaited in the background (acknowledge their queue messages: the row is theirs) */
  results: RowResult[];
  counts: { sent: number; failed: number; dead: number; deferred: number; abandoned: number; background: number };
}

const errorText = (error: unknown) => String(error instanceof Error ? error.message : error).slice(0, 300);

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
 * give up on answers still outstanding STRAGGLER_GRACE_MS after the last dispatch, record.
 */
export async function sendClaimed(env: Pick<Bindings, "DB">, config: Config, claimed: readonly OutboxRow[], options: SendOptions): Promise<SendReport> {
  const counts = { sent: 0, failed: 0, dead: 0, deferred: 0, abandoned: 0, background: 0 };
  if (claimed.length === 0) return { results: [], counts };
  let preRead = options.limiter;
  const reserve = (rows: readonly OutboxRow[]) =>
    // If the limiter cannot be reached, send nothing now: those rows are deferred (released below).
    reserveSlots(env.DB, rows.map(recipientOf), Date.now(), options.maxHoldMs, preRead ? ((preRead = undefined), options.limiter) : undefined).catch((error: unknown) => {
      logger.error({ route: options.route, outcome: "limiter_unavailable", claimed: rows.length }, error);
      return [];
    });
  const stragglers = new AbortController();
  const client = new FeishuClient(config, env.DB);
  const records: OutcomeRecord[] = [];
  const results: RowResult[] = [];
  const inFlight = pool(MAX_IN_FLIGHT);
  const lastToRecipient = new Map<string, number>();
  let lastDispatch = 0;
  let lastSlotAt = 0;
  const sends: Promise<void>[] = [];
  /** rows whose answer has not come yet */
  const outstanding = new Set<number>();

  const failed = (row: OutboxRow, error: unknown, abandoned: boolean) => {
    const now = Date.now();
    const outcome = classifyFailure(error, row.attempts, options.backoffBaseMs);
    if (outcome.kind === "dead") {
      records.push({ id: row.id, state: "dead", messageId: null, sentAt: null, error: errorText(error), next: now, refund: 0 });
      results.push({ uuid: row.uuid, done: true });
      counts.dead++;
    } else if (outcome.kind === "failed") {
      records.push({ id: row.id, state: "failed", messageId: null, sentAt: null, error: errorText(error), next: now + outcome.delayMs, refund: 0 });
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
      await sleep(slot.at - Date.now());
      await inFlight.acquire();
      // A late start (connections busy) must still keep the planned spacing between real sends (none within a burst).
      const notBefore = Math.max(lastDispatch + Math.max(0, slot.at - lastSlotAt), (lastToRecipient.get(recipient) ?? 0) + RECIPIENT_SPACING_MS);
      await sleep(notBefore - Date.now());
      // checked after the last wait: workerd's clock only moves at I/O and timers
      if (options.replanLate && Date.now() - slot.at > LATE_MS) {
        inFlight.release();
        late.push(row);
        continue;
      }
      granted.add(row.id);
      const dispatchedAt = Date.now();
      lastDispatch = dispatchedAt;
      lastSlotAt = slot.at;
      lastToRecipient.set(recipient, dispatchedAt);
      outstanding.add(row.id);
      const send = abortingWith(stragglers.signal, () => deliver(client, row))
        .finally(() => outstanding.delete(row.id))
        .then(
          (messageId) => {
            const now = Date.now();
            records.push({ id: row.id, state: "sent", messageId: messageId ?? null, sentAt: now, error: null, next: now, refund: 0 });
            results.push({ uuid: row.uuid, done: true });
            counts.sent++;
            logger.info({ route: "delivery", outcome: "sent", uuid: row.uuid, operation: row.operation, attempts: row.attempts, ms: now - dispatchedAt, via: options.route });
          },
          (error: unknown) => failed(row, error, stragglers.signal.aborted),
        )
        .finally(() => inFlight.release());
      sends.push(send);
    }
    toPlan = late;
  }
  let inBackground: { records: number; results: number } | undefined;
  if (options.background) await Promise.race([Promise.all(sends), sleep(lastDispatch + BACKGROUND_AFTER_MS - Date.now())]);
  if (options.background && outstanding.size > 0) {
    // The answers in by now are recorded with the batch; the rest are awaited after it returns.
    inBackground = { records: records.length, results: results.length };
    counts.background = outstanding.size;
    const { waitUntil, requeue } = options.background;
    const settled = Promise.all(sends).then(() => recordLate(env, records.slice(inBackground!.records), results.slice(inBackground!.results), requeue, options.route));
    waitUntil(settled);
  } else {
    // Wait for the answers, but not for a straggler: past the grace it is given up and retried later.
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => {
      graceTimer = setTimeout(() => {
        stragglers.abort(new Error("straggler"));
        resolve();
      }, Math.max(0, lastDispatch + STRAGGLER_GRACE_MS - Date.now()));
    });
    await Promise.race([Promise.all(sends), grace]);
    // after an abort every outstanding send rejects promptly; wait for those records too
    await Promise.all(sends);
    clearTimeout(graceTimer);
  }
  const recorded = inBackground ? records.slice(0, inBackground.records) : records;
  const reported = inBackground ? results.slice(0, inBackground.results) : results;

  // Rows with no slot within maxHoldMs go back untouched (the claim's attempt is refunded).
  const deferMs = Math.max(0, Math.min(options.maxHoldMs / 2, 35_000));
  claimed.forEach((row) => {
    if (granted.has(row.id)) return;
    recorded.push({ id: row.id, state: "pending", messageId: null, sentAt: null, error: null, next: Date.now() + deferMs, refund: 1 });
    reported.push({ uuid: row.uuid, done: false, delayMs: deferMs });
    counts.deferred++;
  });

  const statements = [env.DB.prepare(RECORD_SQL).bind(Date.now(), JSON.stringify(recorded))];
  if (lastDispatch > 0) statements.push(bumpAppTatStatement(env.DB, lastDispatch));
  await env.DB.batch(statements);
  return { results: reported, counts };
}

/** The outcomes of answers that came after their batch returned: recorded, and the failed rows queued again with their delays. */
async function recordLate(
  env: Pick<Bindings, "DB">,
  records: OutcomeRecord[],
  results: RowResult[],
  requeue: (uuids: string[], delaySeconds: number) => Promise<void>,
  route: string,
): Promise<void> {
  try {
    await env.DB.prepare(RECORD_SQL).bind(Date.now(), JSON.stringify(records)).run();
    const byDelay = new Map<number, string[]>();
    for (const result of results) if (!result.done) byDelay.set(Math.ceil(result.delayMs / 1000), [...(byDelay.get(Math.ceil(result.delayMs / 1000)) ?? []), result.uuid]);
    for (const [delaySeconds, uuids] of byDelay) await requeue(uuids, delaySeconds);
    logger.info({ route: "delivery", outcome: "late_answers", via: route, recorded: records.length, requeued: results.filter((r) => !r.done).length });
  } catch (error) {
    // rows left `sending` are released by the sweeper; a failed one not queued again is found by it too
    logger.error({ route: "delivery", outcome: "late_answers_error", via: route, rows: records.length }, error);
  }
}
