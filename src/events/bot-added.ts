import type { Services } from "../commands/types.ts";
import { botMembershipSchema, type Envelope } from "../feishu/payloads.ts";
import { offerDigestGroup } from "../usecases/chat-events.ts";

/**
 * `im.chat.member.bot.added_v1`: the bot joined a group. It posts one card offering 「设为〈督导室〉周报群」
 * (the office named is that of whoever added the bot, when a manager did; pressing binds the presser's).
 * An external group (other tenants in it) gets nothing: the digest names people and schools.
 */
export async function onBotAdded(services: Services, envelope: Envelope): Promise<string> {
  const parsed = botMembershipSchema.safeParse(envelope.event);
  if (!parsed.success) return "ignored_bad_event";
  if (parsed.data.external) return "ignored_external_group";
  await offerDigestGroup(services, {
    eventId: envelope.header.event_id,
    chatId: parsed.data.chat_id,
    chatName: parsed.data.name ?? "",
    adderOpenId: parsed.data.operator_id?.open_id,
  });
  return "bind_offered";
}
