import type { Services } from "../commands/types.ts";
import { findActor, isManager } from "../db/people.ts";
import { bindOfferCard } from "../feishu/cards/digest-group-card.ts";
import { botMembershipSchema, type Envelope } from "../feishu/payloads.ts";
import { messages } from "../i18n/index.ts";
import { officeNameOf } from "../usecases/digest-groups.ts";

/**
 * `im.chat.member.bot.added_v1`: the bot joined a group. It posts one card offering 「设为〈督导室〉周报群」
 * (the office named is that of whoever added the bot, when a manager did; pressing binds the presser's).
 * An external group (other tenants in it) gets nothing: the digest names people and schools.
 */
export async function onBotAdded(services: Services, envelope: Envelope): Promise<string> {
  const parsed = botMembershipSchema.safeParse(envelope.event);
  if (!parsed.success) return "ignored_bad_event";
  if (parsed.data.external) return "ignored_external_group";
  const adderOpenId = parsed.data.operator_id?.open_id;
  const adder = adderOpenId ? await findActor(services.db, adderOpenId, services.config.ADMIN_OPEN_IDS) : null;
  const t = messages(adder?.lang);
  const office = adder && isManager(adder) ? officeNameOf(adder, t) : null;
  services.uow.send({
    key: `bot_added:${envelope.header.event_id}`,
    to: { chatId: parsed.data.chat_id },
    msgType: "interactive",
    content: bindOfferCard(t, parsed.data.chat_id, parsed.data.name ?? "", office),
  });
  return "bind_offered";
}
