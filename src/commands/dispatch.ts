import type { Actor } from "../domain/people.ts";
import { identify } from "../usecases/identity.ts";
import type { BatchCondition, OutboundMessage, Recipient } from "../delivery/outbox.ts";
import type { Card } from "../feishu/cards/kit.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { messages } from "../i18n/index.ts";
import { allCommandNames, findCommand, policyOf } from "./index.ts";
import { refusalToStart } from "../usecases/policy.ts";
import { closestName, parseCommand } from "./router.ts";
import type { CommandContext, IncomingChat, Services } from "./types.ts";

/** Where replies to a chat message go: the reply API in groups, the chat itself in direct chats. */
export function replyMessage(chat: IncomingChat, index: number, content: { text: string } | Card): OutboundMessage {
  const isCard = "schema" in content;
  return {
    key: `reply:${chat.messageId}:${index}`,
    to: chat.directTo ? { openId: chat.directTo } : chat.chatType === "group" ? { replyTo: chat.messageId, inChat: chat.chatId } : { chatId: chat.chatId },
    msgType: isCard ? "interactive" : "text",
    content,
  };
}

/** Where a file answer goes: the asker's direct chat for a private command asked in a group, else the chat it was asked in. */
export function fileRecipient(chat: IncomingChat): Recipient {
  return chat.directTo ? { openId: chat.directTo } : { chatId: chat.chatId };
}

export interface TextMessage {
  chat: IncomingChat;
  senderOpenId: string;
  text: string;
  mentionKeys: string[];
}

/**
 * Identifies the sender (by `sender` when the caller already read it), matches the command, checks the role, runs it.
 * Returns the command's name for the log.
 */
export async function dispatchCommand(services: Services, message: TextMessage, sender?: () => Promise<Actor | null>): Promise<string> {
  let replies = 0;
  let replyChat = message.chat;
  const reply = (content: { text: string } | Card, onlyIf?: BatchCondition) => {
    services.uow.send({ ...replyMessage(replyChat, replies++, content), ...(onlyIf ? { onlyIf } : {}) });
  };
  const actor = sender ? await sender() : await identify(services, message.senderOpenId);
  if (!actor) {
    reply(textContent(messages("zh").common.notRegistered("")));
    return "not_registered";
  }
  const t = messages(actor.lang);
  const parsed = parseCommand(message.text, message.mentionKeys);
  if (!parsed) return "empty";
  const command = findCommand(parsed.name);
  if (!command) {
    const suggestion = closestName(parsed.name, allCommandNames(actor.role));
    reply(textContent(t.common.unknownCommand(parsed.name, suggestion)));
    return "unknown";
  }
  // The one policy (domain/policy.ts): role, a valid office, the top office for city-wide changes; before anything runs.
  const refusal = await refusalToStart(services, t, policyOf(command), actor, parsed.argv, { name: command.name, roleRefusal: t.common.notAllowed(parsed.name) });
  if (refusal) {
    reply(textContent(refusal));
    return `${command.name}:refused`;
  }
  let chat = message.chat;
  const answersPrivately = typeof command.private === "function" ? command.private(parsed.argv) : command.private === true;
  if (answersPrivately && chat.chatType !== "p2p") {
    // The command runs as if asked in a direct chat; the group only learns that an answer went out.
    services.uow.send(replyMessage(chat, 0, textContent(t.common.sentPrivately)));
    chat = { ...chat, chatType: "p2p", directTo: actor.openId };
    replies = 1;
    replyChat = chat;
  }
  const replyFile: CommandContext["replyFile"] = (key, content) => services.uow.send({ key, to: fileRecipient(chat), msgType: "file", content });
  const replyToAsker: CommandContext["replyToAsker"] = (key, content) => services.uow.send({ key, to: { openId: actor.openId }, msgType: "interactive", content });
  const ctx: CommandContext = { ...services, actor, t, chat, args: parsed.args, argv: parsed.argv, reply, replyFile, replyToAsker };
  await command.run(ctx);
  return command.name;
}
