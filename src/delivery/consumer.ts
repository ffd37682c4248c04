import { loadConfig, type Bindings } from "../env.ts";
import { FeishuApiError, FeishuClient } from "../feishu/client.ts";
import { logger } from "../log.ts";
import type { OutboxQueueMessage } from "./outbox.ts";

export const MAX_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 10 * 60 * 1000;
/** Feishu: 50 messages/s per app and 5/s to one recipient. */
const APP_INTERVAL_MS = 1000 / 50;
const RECIPIENT_INTERVAL_MS = 1000 / 5;

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

export function backoffMs(attempts: number, error: unknown): number {
  if (error instanceof FeishuApiError && error.retryAfterMs) return Math.min(error.retryAfterMs, BACKOFF_CAP_MS);
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_CAP_MS);
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The queue consumer: claims each row, sends it through the SDK, records the outcome. */
export async function consumeOutbox(batch: MessageBatch<OutboxQueueMessage>, env: Bindings): Promise<void> {
  const config = loadConfig(env);
  const client = new FeishuClient(config, env.DB);
  const lastToRecipient = new Map<string, number>();
  let lastSend = 0;
  for (const message of batch.messages) {
    const started = Date.now();
    const uuid = message.body?.uuid;
    if (typeof uuid !== "string") {
      message.ack();
      continue;
    }
    const claimed = await env.DB.prepare(
      "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?1 WHERE uuid = ?2 AND state IN ('pending', 'failed') RETURNING *",
    )
      .bind(started, uuid)
      .first<OutboxRow>();
    if (!claimed) {
      message.ack();
      continue;
    }
    const recipient = claimed.receive_id ?? claimed.target_message_id ?? "";
    const wait = Math.max(lastSend + APP_INTERVAL_MS, (lastToRecipient.get(recipient) ?? 0) + RECIPIENT_INTERVAL_MS) - Date.now();
    if (wait > 0) await sleep(wait);
    lastSend = Date.now();
    lastToRecipient.set(recipient, lastSend);
    try {
      const messageId = await deliver(client, claimed);
      const now = Date.now();
      await env.DB.prepare("UPDATE outbox SET state = 'sent', message_id = ?1, sent_at = ?2, updated_at = ?2, last_error = NULL WHERE id = ?3")
        .bind(messageId ?? null, now, claimed.id)
        .run();
      message.ack();
      logger.info({ route: "delivery", outcome: "sent", uuid, operation: claimed.operation, attempts: claimed.attempts, ms: now - started });
    } catch (error) {
      const now = Date.now();
      const retryable = !(error instanceof FeishuApiError) || error.retryable;
      const dead = !retryable || claimed.attempts >= MAX_ATTEMPTS;
      const delay = backoffMs(claimed.attempts, error);
      await env.DB.prepare("UPDATE outbox SET state = ?1, last_error = ?2, next_attempt_at = ?3, updated_at = ?4 WHERE id = ?5")
        .bind(dead ? "dead" : "failed", String(error instanceof Error ? error.message : error).slice(0, 500), now + delay, now, claimed.id)
        .run();
      if (dead) message.ack();
      else message.retry({ delaySeconds: Math.ceil(delay / 1000) });
      logger.error({ route: "delivery", outcome: dead ? "dead" : "retry", uuid, operation: claimed.operation, attempts: claimed.attempts, ms: now - started }, error);
    }
  }
}
