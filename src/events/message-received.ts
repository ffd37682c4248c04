import { dispatchCommand, replyMessage } from "../commands/dispatch.ts";
import type { Services } from "../commands/types.ts";
import type { Actor } from "../domain/people.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { fileContentSchema, messageReceivedSchema, textContentSchema, type MessageReceived } from "../feishu/payloads.ts";
import { messages } from "../i18n/index.ts";
import { botOpenId } from "../usecases/bot-identity.ts";
import { answerStranger, findSender } from "../usecases/chat-events.ts";
import { importRosterFile } from "./roster-file.ts";
import { imageKeysOf } from "../domain/photos.ts";
import { receivePhotos } from "../photos/receive.ts";

export const MAX_COMMAND_CHARS = 4_000;
/** The window of COMMANDS_PER_MINUTE: it starts with a person's first message and lasts a minute. */
export const USE_WINDOW_MS = 60_000;

/** The counter of a person's messages to the bot (rate_counters key). */
export const useKey = (openId: string) => `use:${openId}`;

/**
 * Whether a message is for the bot at all: every direct message from a person; in a group only one that
 * @-mentions the bot itself (its open_id from bot/v3/info). Anything else is an outcome to log ("ignored_…").
 */
export async function addressedToBot(services: Services, data: MessageReceived): Promise<true | string> {
  if (data.sender.sender_type && data.sender.sender_type !== "user") return "ignored_not_user";
  if (data.message.chat_type !== "group") return true;
  const mentions = data.message.mentions ?? [];
  if (mentions.length === 0) return "ignored_group_chatter";
  const bot = await botOpenId(services);
  // Fail closed: when the bot cannot know who it is, a mention of someone else must not become a command.
  if (!bot) return "ignored_bot_unknown";
  return mentions.some((mention) => mention.id?.open_id === bot) ? true : "ignored_not_for_bot";
}

/**
 * What onMessageReceived ignores before reading anything (a bot's message, group chatter that @-mentions
 * nobody), told from the raw event without parsing it: such an event is neither recorded nor claimed.
 */
export function ignoredUnread(event: Record<string, unknown>): boolean {
  const sender = event.sender as { sender_type?: unknown } | undefined;
  const message = event.message as { chat_type?: unknown; mentions?: unknown } | undefined;
  if (typeof sender?.sender_type === "string" && sender.sender_type !== "" && sender.sender_type !== "user") return true;
  return message?.chat_type === "group" && !(Array.isArray(message.mentions) && message.mentions.length > 0);
}

/**
 * `im.message.receive_v1`: a text command, a roster file, or photos (image / post with images). Returns the outcome for the log.
 * `sender`: who sent it, from what the caller already read (called only when a command or file needs it; undefined: look it up here).
 * `usesThisMinute`: this message's number among the sender's messages of the minute (the caller counts it with its first batch).
 */
export async function onMessageReceived(services: Services, event: unknown, sender?: () => Promise<Actor | null>, usesThisMinute = 1): Promise<string> {
  const parsed = messageReceivedSchema.safeParse(event);
  if (!parsed.success) return "ignored_bad_event";
  const { sender: from, message } = parsed.data;
  const addressed = await addressedToBot(services, parsed.data);
  if (addressed !== true) return addressed;
  // A direct chat's answers go to the person (open_id), not to the chat_id: Feishu's 5-a-second limit is per person,
  // and the Worker's limiter counts cards to the same person by open_id (sent both ways, it would count them twice).
  const directTo = message.chat_type === "p2p" ? from.sender_id?.open_id : undefined;
  const chat = { messageId: message.message_id, chatId: message.chat_id, chatType: message.chat_type, ...(directTo ? { directTo } : {}) };
  const mentions = message.mentions ?? [];

  let content: unknown;
  try {
    content = JSON.parse(message.content);
  } catch {
    return "ignored_bad_content";
  }

  const openId = from.sender_id.open_id;
  const actor = sender ? await sender() : await findSender(services, openId);
  if (!actor) return (await answerStranger(services, openId)).answered ? "not_registered" : "ignored_not_registered";
  const t = messages(actor.lang);
  const perMinute = services.config.COMMANDS_PER_MINUTE;
  if (usesThisMinute > perMinute) {
    // One short answer when the limit is passed; nothing more until the minute is over.
    if (usesThisMinute > perMinute + 1) return "ignored_rate_limited";
    services.uow.send(replyMessage(chat, 0, textContent(t.common.tooManyMessages(perMinute))));
    return "rate_limited";
  }

  if (message.message_type === "text") {
    const text = textContentSchema.safeParse(content);
    if (!text.success) return "ignored_bad_content";
    const body = text.data.text.slice(0, MAX_COMMAND_CHARS);
    return dispatchCommand(services, { chat, senderOpenId: openId, text: body, mentionKeys: mentions.map((m) => m.key) }, async () => actor);
  }

  if (message.message_type === "file") {
    const file = fileContentSchema.safeParse(content);
    if (!file.success) return "ignored_bad_content";
    return `roster:${await importRosterFile(services, actor, t, chat, { fileKey: file.data.file_key, fileName: file.data.file_name, fileSize: file.data.file_size })}`;
  }
  const imageKeys = imageKeysOf(message.message_type, content);
  if (imageKeys.length > 0) return receivePhotos(services, actor, t, chat, imageKeys);
  services.uow.send(replyMessage(chat, 0, textContent(t.common.unsupportedMessage)));
  return "unsupported";
}
