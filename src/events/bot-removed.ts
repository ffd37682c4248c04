import type { Services } from "../commands/types.ts";
import { botMembershipSchema, type Envelope } from "../feishu/payloads.ts";
import { unbindRemovedGroup } from "../usecases/digest-groups.ts";

/** `im.chat.member.bot.deleted_v1`: the bot left a group; if it was an office's digest group, it is unbound and the office told. */
export async function onBotRemoved(services: Services, envelope: Envelope): Promise<string> {
  const parsed = botMembershipSchema.safeParse(envelope.event);
  if (!parsed.success) return "ignored_bad_event";
  const unbound = await unbindRemovedGroup(services, parsed.data.chat_id, parsed.data.name ?? "", envelope.header.event_id);
  return unbound ? `unbound:${unbound}` : "ignored_not_bound";
}
