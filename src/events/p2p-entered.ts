import type { Services } from "../commands/types.ts";
import { claimedStatement, claimStatement } from "../db/dedupe.ts";
import { wasWelcomed, welcomedByThis, welcomedStatement } from "../db/digest-groups.ts";
import { findActor } from "../db/people.ts";
import { localDate } from "../domain/time.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { welcomeCard } from "../feishu/cards/welcome-card.ts";
import { p2pChatEnteredSchema, type Envelope } from "../feishu/payloads.ts";
import { messages } from "../i18n/index.ts";
import { placementOf } from "../usecases/identity.ts";

/**
 * `im.chat.access_event.bot_p2p_chat_entered_v1`: the first time a person opens the bot's chat they get one
 * welcome card (who they are, what they will do, the menu); later openings get nothing. Someone not on the
 * roster gets one short answer a day (in the office's time zone) with their own open_id to give their office.
 */
export async function onP2pChatEntered(services: Services, envelope: Envelope): Promise<string> {
  const parsed = p2pChatEnteredSchema.safeParse(envelope.event);
  if (!parsed.success) return "ignored_bad_event";
  const openId = parsed.data.operator_id.open_id;
  const actor = await findActor(services.db, openId, services.config.ADMIN_OPEN_IDS);
  if (!actor) {
    const key = `stranger_welcome:${openId}:${localDate(services.nowMs, services.config.TIMEZONE)}`;
    const [claimed] = await services.d1.batch([claimedStatement(services.d1, [key])]);
    if ((claimed?.results.length ?? 0) > 0) return "ignored_stranger_answered_today";
    services.uow.write(claimStatement(services.d1, [key], services.nowMs));
    services.uow.send({ key, to: { openId }, msgType: "text", content: textContent(messages("zh").foundation.strangerWelcome(openId)) });
    return "stranger";
  }
  if (await wasWelcomed(services.d1, openId)) return "ignored_welcomed";
  const t = messages(actor.lang);
  const place = await placementOf(services.db, actor);
  const where = [place.zone?.name, place.school?.name, place.office].filter(Boolean).join(" · ");
  services.uow.write(welcomedStatement(services.d1, openId, services.nowMs));
  services.uow.send({
    key: `welcome:${openId}`,
    to: { openId },
    msgType: "interactive",
    content: welcomeCard(t, { name: actor.name, role: actor.role, roleName: t.common.roles[actor.role], place: where }),
    onlyIf: welcomedByThis(openId, services.nowMs),
  });
  return "welcomed";
}
