import type { Services } from "../commands/types.ts";
import { commitEvent, eventClaimed, forgetEvent, isClaimConflict, isTransientD1Error } from "../usecases/chat-events-claims.ts";
import type { Bindings } from "../env.ts";
import type { Envelope } from "../feishu/payloads.ts";
import { logger, type LogFields } from "../log.ts";
import { buildServices } from "../services.ts";
import { onBotAdded } from "./bot-added.ts";
import { onBotMenu } from "./bot-menu.ts";
import { onBotRemoved } from "./bot-removed.ts";
import { onP2pChatEntered } from "./p2p-entered.ts";

/** The events besides messages, by event type: the bot menu, the direct chat opened, the bot added to or removed from a group. */
const handlers: Record<string, (services: Services, envelope: Envelope) => Promise<string>> = {
  "application.bot.menu_v6": onBotMenu,
  "im.chat.access_event.bot_p2p_chat_entered_v1": onP2pChatEntered,
  "im.chat.member.bot.added_v1": onBotAdded,
  "im.chat.member.bot.deleted_v1": onBotRemoved,
};

export const CHAT_EVENT_TYPES: readonly string[] = Object.keys(handlers);
export const isChatEvent = (eventType: string) => Object.hasOwn(handlers, eventType);

/**
 * Runs after the 200, like a message: a redelivered event_id is a no-op (its claim commits with the effects in
 * one batch), an event that changes nothing leaves no trace. Its inbox row (app.ts) goes with the commit, or when
 * there is nothing to do; D1 still failing past the retries leaves it to the recovery job ("deferred"). One log line.
 */
export async function handleChatEvent(env: Bindings, envelope: Envelope, ref: string, nowMs: number, attempt: "live" | "recovery" = "live"): Promise<string> {
  const started = Date.now();
  const { event_id, event_type } = envelope.header;
  const fields: LogFields = { ref, route: "event", event_id, event_type, ...(attempt === "recovery" ? { attempt } : {}) };
  const done = (outcome: string) => {
    logger.info({ ...fields, outcome, ms: Date.now() - started });
    return outcome;
  };
  const forget = async (outcome: string) => {
    await forgetEvent(env.DB, event_id).catch((error: unknown) => logger.error({ ...fields, outcome: "inbox_delete_failed" }, error));
    return done(outcome);
  };
  const handler = handlers[event_type];
  if (!handler) return forget("ignored_unknown_event");
  const keys = [`event:${event_id}`];
  try {
    const services = buildServices(env, nowMs, ref, {});
    if (await eventClaimed(env.DB, keys)) return forget("duplicate");
    const outcome = await handler(services, envelope);
    if (outcome.startsWith("ignored") && services.uow.pendingMessages.length === 0) return forget(outcome);
    await commitEvent(services, env.DB, keys, event_id);
    return done(outcome);
  } catch (error) {
    if (isClaimConflict(error)) return forget("duplicate");
    if (isTransientD1Error(error)) {
      logger.error({ ...fields, outcome: "deferred", ms: Date.now() - started }, error);
      return "deferred";
    }
    logger.error({ ...fields, outcome: "error", ms: Date.now() - started }, error);
    return forget("error");
  }
}
