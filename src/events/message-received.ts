import { dispatchCommand, replyMessage } from "../commands/dispatch.ts";
import type { Services } from "../commands/types.ts";
import { findActor, type Actor } from "../db/people.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { fileContentSchema, messageReceivedSchema, textContentSchema } from "../feishu/payloads.ts";
import { messages } from "../i18n/index.ts";
import { importRosterFile } from "./roster-file.ts";
import { imageKeysOf } from "../domain/photos.ts";
import { receivePhotos } from "../photos/receive.ts";

export const MAX_COMMAND_CHARS = 4_000;

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
 */
export async function onMessageReceived(services: Services, event: unknown, sender?: () => Promise<Actor | null>): Promise<string> {
  const parsed = messageReceivedSchema.safeParse(event);
  if (!parsed.success) return "ignored_bad_event";
  const { sender: from, message } = parsed.data;
  if (from.sender_type && from.sender_type !== "user") return "ignored_not_user";
  const chat = { messageId: message.message_id, chatId: message.chat_id, chatType: message.chat_type };
  const mentions = message.mentions ?? [];
  // In groups only messages that @-mention someone (the bot) are commands.
  if (chat.chatType === "group" && mentions.length === 0) return "ignored_group_chatter";

  let content: unknown;
  try {
    content = JSON.parse(message.content);
  } catch {
    return "ignored_bad_content";
  }

  if (message.message_type === "text") {
    const text = textContentSchema.safeParse(content);
    if (!text.success) return "ignored_bad_content";
    const body = text.data.text.slice(0, MAX_COMMAND_CHARS);
    return dispatchCommand(services, { chat, senderOpenId: from.sender_id.open_id, text: body, mentionKeys: mentions.map((m) => m.key) }, sender);
  }

  const actor = sender ? await sender() : await findActor(services.db, from.sender_id.open_id, services.config.ADMIN_OPEN_IDS);
  if (!actor) {
    services.uow.send(replyMessage(chat, 0, textContent(messages("zh").common.notRegistered(""))));
    return "not_registered";
  }
  const t = messages(actor.lang);
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
