import { dispatchCommand } from "../commands/dispatch.ts";
import type { Services } from "../commands/types.ts";
import { botMenuSchema, type Envelope } from "../feishu/payloads.ts";

/**
 * `application.bot.menu_v6`: a menu item of type "push event" whose `event_key` is a command word (`week`,
 * `本周`, `report`, `orders`, `stats`, `help` …; `_` stands for a space, e.g. `roster_log`) runs that command for
 * the person who tapped it, answered in their direct chat, with the same roles and refusals as typed.
 */
export async function onBotMenu(services: Services, envelope: Envelope): Promise<string> {
  const parsed = botMenuSchema.safeParse(envelope.event);
  if (!parsed.success) return "ignored_bad_event";
  const openId = parsed.data.operator.operator_id.open_id;
  const text = parsed.data.event_key.replace(/_/g, " ");
  const chat = { messageId: `menu_${envelope.header.event_id}`, chatId: `p2p:${openId}`, chatType: "p2p", directTo: openId };
  return `menu:${await dispatchCommand(services, { chat, senderOpenId: openId, text, mentionKeys: [] })}`;
}
