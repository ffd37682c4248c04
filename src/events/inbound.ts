import { replyMessage } from "../commands/dispatch.ts";
import type { Bindings } from "../env.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { envelopeSchema, messageReceivedSchema, type Envelope } from "../feishu/payloads.ts";
import { messages } from "../i18n/index.ts";
import { logger, type LogFields } from "../log.ts";
import { buildServices } from "../services.ts";
import { commitErrorAnswer, commitEvent, dueInboxEvents, forgetEvent, isClaimConflict, isTransientD1Error, readMessageFrame } from "../usecases/chat-events-claims.ts";
import { tellDeferred } from "../usecases/chat-events.ts";
import { handleChatEvent, isChatEvent } from "./chat-events.ts";
import { addressedToBot, ignoredUnread, onMessageReceived, useKey, USE_WINDOW_MS } from "./message-received.ts";

/**
 * A chat message's work, after the 200: dedupe, dispatch, commit writes, replies, the claim and the inbox row's
 * deletion in one batch. `attempt`: "live" right after the 200, "recovery" when the inbox recovery job runs an
 * event whose live attempt never committed. One log line (route "event").
 */
export async function handleMessageEvent(env: Bindings, envelope: Envelope, ref: string, nowMs: number, attempt: "live" | "recovery" = "live"): Promise<string> {
  const started = Date.now();
  const eventId = envelope.header.event_id;
  const fields: LogFields = { ref, route: "event", event_id: eventId, event_type: envelope.header.event_type, ...(attempt === "recovery" ? { attempt } : {}) };
  const done = (outcome: string) => {
    logger.info({ ...fields, outcome, ms: Date.now() - started });
    return outcome;
  };
  // Nothing more to do for this event: its inbox row goes (best effort: the recovery job would find nothing to do either).
  const forget = async (outcome: string) => {
    await forgetEvent(env.DB, eventId).catch((error: unknown) => logger.error({ ...fields, outcome: "inbox_delete_failed" }, error));
    return done(outcome);
  };
  // already after the 200 (waitUntil), or in the recovery job: the commit itself sends the answers
  const services = buildServices(env, nowMs, ref, {});
  const parsed = messageReceivedSchema.safeParse(envelope.event);
  if (!parsed.success) return forget("ignored_bad_event");
  // not recorded in the inbox (app.ts): nothing to read, claim or forget
  if (ignoredUnread(envelope.event)) return done(await onMessageReceived(services, envelope.event));
  const keys = [`event:${eventId}`, `message:${parsed.data.message.message_id}`];
  try {
    // A group message that @-mentions someone else, not this bot, is not a command.
    const addressed = await addressedToBot(services, parsed.data);
    if (addressed !== true) return forget(addressed);
    // Who sent it and how often they wrote this minute are read in the same batch as the redelivery check:
    // one D1 round trip before the command runs, not three.
    const openId = parsed.data.sender.sender_id.open_id;
    const frame = await readMessageFrame(services, env.DB, keys, openId, useKey(openId), USE_WINDOW_MS);
    if (frame.claimed) return forget("duplicate");
    // the actor (a manager's office scope is one more read) only once a command or a file needs it: chatter costs nothing
    const outcome = await onMessageReceived(services, envelope.event, frame.actor, frame.uses);
    // An event we ignore (bad content, chatter, a bot) leaves no claim.
    if (outcome.startsWith("ignored") && services.uow.pendingMessages.length === 0) return forget(outcome);
    // The claim joins the command's final batch (after its writes, whose results handlers read by position):
    // it commits with the effects, or a rival's earlier claim fails the whole batch. The inbox row goes with it.
    await commitEvent(services, env.DB, keys, eventId);
    return done(outcome);
  } catch (error) {
    if (isClaimConflict(error)) return forget("duplicate");
    const { message } = parsed.data;
    const chat = { messageId: message.message_id, chatId: message.chat_id, chatType: message.chat_type };
    if (isTransientD1Error(error)) {
      // D1 still failing after the retries: the inbox row stays and the recovery job runs the command again.
      // The person is told once, by the live attempt, straight through Feishu (the outbox is in D1).
      logger.error({ ...fields, outcome: "deferred", ms: Date.now() - started }, error);
      if (attempt === "live") await tellDeferred(buildServices(env, Date.now(), ref), chat, ref).catch((failure: unknown) => logger.error({ ...fields, outcome: "deferred_notice_failed" }, failure));
      return "deferred";
    }
    logger.error({ ...fields, outcome: "error", ms: Date.now() - started }, error);
    const fallback = buildServices(env, nowMs, ref, {});
    // The error answer claims the event too: a redelivery of a failed command is told once, not failed again.
    await commitErrorAnswer(fallback, env.DB, keys, eventId, { ...replyMessage(chat, 99, textContent(messages("zh").common.internalError(ref))) }).catch((failure) => {
      if (!isClaimConflict(failure)) logger.error({ ...fields, outcome: "error_reply_failed" }, failure);
    });
    return "error";
  }
}

/** At most this many events per run (one a minute), one after another. */
const RECOVERY_LIMIT = 50;

/** The recovery job's work: runs again each event whose live attempt never committed (see db/inbox.ts). */
export async function recoverInbox(env: Bindings, nowMs: number, ref: string): Promise<{ recovered: number; deferred: number; expired: number }> {
  const { due, expired } = await dueInboxEvents(env.DB, nowMs, RECOVERY_LIMIT);
  // event ids only: the payload holds what people wrote
  for (const eventId of expired) logger.error({ ref, route: "inbox", event_id: eventId, outcome: "expired_unprocessed" });
  let recovered = 0;
  let deferred = 0;
  for (const row of due) {
    const envelope = envelopeSchema.safeParse(safeJson(row.payload));
    if (!envelope.success) {
      await forgetEvent(env.DB, row.event_id);
      continue;
    }
    // the command's "now" is when the person sent it ("请假 明天" recovered after midnight still means their tomorrow)
    const run = isChatEvent(envelope.data.header.event_type) ? handleChatEvent : handleMessageEvent;
    const outcome = await run(env, envelope.data, `${ref}-${recovered + deferred}`, row.received_at, "recovery");
    if (outcome === "deferred") deferred++;
    else recovered++;
  }
  return { recovered, deferred, expired: expired.length };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
