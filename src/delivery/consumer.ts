import { loadConfig, type Bindings } from "../env.ts";
import { FeishuApiError, FeishuClient } from "../feishu/client.ts";
import { logger } from "../log.ts";
import type { OutboxQueueMessage } from "./outbox.ts";
import { APP_SPACING_MS, bumpAppTatStatement, RECIPIENT_SPACING_MS, reserveSlots } from "./rate-limit.ts";

/**
 * The outbox queue consumer. One invocation handles one queue batch (≤ 40
 * messages, see wrangler.toml) in a fixed handful of D1 round trips:
 *   1. claim the rows (pending/failed → sending) in one statement,
 *   2. reserve send slots in the shared rate limiter (rate-limit.ts: 2 round trips),
 *   3. send each message no earlier than its slot, at most 6 in flight (Workers'
 *      simultaneous-connection limit),
 *   4. record every outcome (sent + Feishu's message_id / failed + next attempt /
 *      dead) in one statement.
 * A batch of 40 stays under the free plan's 50 subrequests per invocation (40
 * sends + token refreshes). Queue consumers may run up to 15 minutes of wall
 * time; an invocation holds its batch at most MAX_HOLD_MS waiting for a slot,
 * and defers the rest back to the queue with a delay (no attempt is used).
 */

export const MAX_ATTEMPTS = 8;
const DEFAULT_BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 10 * 60 * 1000;
/** the longest an invocation waits for a rate-limit slot before deferring to the queue */
export const MAX_HOLD_MS = 70_000;
/** Workers allow 6 simultaneous open connections per invocation. */
const MAX_IN_FLIGHT = 6;
/** at most this many sends per invocation, whatever the batch size (subrequest budget) */
export const SEND_CAP = 40;

interface OutboxRow {
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

/** Optional test-only tuning (bound by test/support/worker.ts); production uses the defaults. */
type DeliveryVars = { DELIVERY_BACKOFF_BASE_MS?: string };

function backoffBase(env: Bindings): number {
  const value = Number((env as Bindings & DeliveryVars).DELIVERY_BACKOFF_BASE_MS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_BACKOFF_BASE_MS;
}

/**
 * Exponential backoff with "equal jitter" (half fixed, half random), capped,
 * and never shorter than Feishu's `x-ogw-ratelimit-reset` when it sent one.
 */
export function backoffMs(attempts: number, error: unknown, baseMs = DEFAULT_BACKOFF_BASE_MS, random: () => number = Math.random): number {
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), BACKOFF_CAP_MS);
  const jittered = exponential / 2 + (exponential / 2) * random();
  const reset = error instanceof FeishuApiError && error.retryAfterMs ? error.retryAfterMs : 0;
  return Math.min(Math.max(jittered, reset), BACKOFF_CAP_MS);
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

/** Whose per-recipient limit a row counts against: the user or chat, or the message replied to / updated. */
export function recipientOf(row: Pick<OutboxRow, "receive_id" | "target_message_id" | "operation">): string {
  if (row.operation === "card_update") return "card_update";
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

/** One statement records every outcome of the batch; only rows still `sending` (ours) change. */
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

/** The queue consumer: claims the batch's rows, sends them under the shared rate limiter, records the outcomes. */
export async function consumeOutbox(batch: MessageBatch<OutboxQueueMessage>, env: Bindings): Promise<void> {
  const started = Date.now();
  const config = loadConfig(env);
  const baseMs = backoffBase(env);
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

  const claimed = (await env.DB.prepare(CLAIM_SQL).bind(started, JSON.stringify(mine)).all<OutboxRow>()).results.sort((a, b) => a.id - b.id);
  const claimedUuids = new Set(claimed.map((row) => row.uuid));
  // Already sent, being sent by someone else, or dead: nothing to do for those queue messages.
  for (const uuid of mine) if (!claimedUuids.has(uuid)) for (const message of byUuid.get(uuid)!) message.ack();
  if (claimed.length === 0) return;

  // If the limiter cannot be reached, send nothing now: every claimed row is deferred (released below).
  const slots = await reserveSlots(env.DB, claimed.map(recipientOf), Date.now(), MAX_HOLD_MS).catch((error: unknown) => {
    logger.error({ route: "queue", outcome: "limiter_unavailable", claimed: claimed.length }, error);
    return [];
  });
  const client = new FeishuClient(config, env.DB);
  const records: OutcomeRecord[] = [];
  const outcomes = new Map<string, { delaySeconds: number } | "ack">();
  const inFlight = pool(MAX_IN_FLIGHT);
  const lastToRecipient = new Map<string, number>();
  let lastDispatch = 0;
  const sends: Promise<void>[] = [];
  const counts = { sent: 0, failed: 0, dead: 0, deferred: 0 };

  for (const slot of slots) {
    const row = claimed[slot.index]!;
    const recipient = recipientOf(row);
    await sleep(slot.at - Date.now());
    await inFlight.acquire();
    // A late start (connections busy) must still keep the spacing between real sends.
    const notBefore = Math.max(lastDispatch + APP_SPACING_MS, (lastToRecipient.get(recipient) ?? 0) + RECIPIENT_SPACING_MS);
    await sleep(notBefore - Date.now());
    const dispatchedAt = Date.now();
    lastDispatch = dispatchedAt;
    lastToRecipient.set(recipient, dispatchedAt);
    sends.push(
      deliver(client, row)
        .then(
          (messageId) => {
            const now = Date.now();
            records.push({ id: row.id, state: "sent", messageId: messageId ?? null, sentAt: now, error: null, next: now, refund: 0 });
            outcomes.set(row.uuid, "ack");
            counts.sent++;
            logger.info({ route: "delivery", outcome: "sent", uuid: row.uuid, operation: row.operation, attempts: row.attempts, ms: now - dispatchedAt });
          },
          (error: unknown) => {
            const now = Date.now();
            const outcome = classifyFailure(error, row.attempts, baseMs);
            if (outcome.kind === "dead") {
              records.push({ id: row.id, state: "dead", messageId: null, sentAt: null, error: errorText(error), next: now, refund: 0 });
              outcomes.set(row.uuid, "ack");
              counts.dead++;
            } else if (outcome.kind === "failed") {
              records.push({ id: row.id, state: "failed", messageId: null, sentAt: null, error: errorText(error), next: now + outcome.delayMs, refund: 0 });
              outcomes.set(row.uuid, { delaySeconds: Math.ceil(outcome.delayMs / 1000) });
              counts.failed++;
            }
            logger.error({ route: "delivery", outcome: outcome.kind === "dead" ? "dead" : "retry", uuid: row.uuid, operation: row.operation, attempts: row.attempts }, error);
          },
        )
        .finally(() => inFlight.release()),
    );
  }
  await Promise.all(sends);

  // Rows with no slot within MAX_HOLD_MS go back to the queue untouched (the claim's attempt is refunded).
  const granted = new Set(slots.map((slot) => slot.index));
  const deferDelay = Math.ceil(MAX_HOLD_MS / 2000);
  claimed.forEach((row, index) => {
    if (granted.has(index)) return;
    records.push({ id: row.id, state: "pending", messageId: null, sentAt: null, error: null, next: Date.now() + deferDelay * 1000, refund: 1 });
    outcomes.set(row.uuid, { delaySeconds: deferDelay });
    counts.deferred++;
  });

  const statements = [env.DB.prepare(RECORD_SQL).bind(Date.now(), JSON.stringify(records))];
  if (lastDispatch > 0) statements.push(bumpAppTatStatement(env.DB, lastDispatch));
  await env.DB.batch(statements);

  for (const [uuid, outcome] of outcomes) {
    for (const message of byUuid.get(uuid) ?? []) {
      if (outcome === "ack") message.ack();
      else message.retry(outcome);
    }
  }
  logger.info({ route: "queue", outcome: "batch", messages: batch.messages.length, claimed: claimed.length, ...counts, ms: Date.now() - started });
}
