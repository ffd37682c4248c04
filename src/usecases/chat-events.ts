/**
 * What chat events other than commands do (events/bot-added.ts, p2p-entered.ts, message-received.ts): the digest
 * group offer when the bot joins a group, the welcome on a first visit, the answer to someone not on the roster.
 * Each queues its message and its writes on the unit of work.
 */
import type { Services } from "./services.ts";
import { claimedStatement, claimStatement } from "../db/dedupe.ts";
import { wasWelcomed, welcomedByThis, welcomedStatement } from "../db/digest-groups.ts";
import { findActor, isManager, type Actor } from "../db/people.ts";
import { countUse } from "../db/usage.ts";
import { messageUuid } from "../delivery/outbox.ts";
import { localDate } from "../domain/time.ts";
import { bindOfferCard } from "../feishu/cards/digest-group-card.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { welcomeCard } from "../feishu/cards/welcome-card.ts";
import { messages } from "../i18n/index.ts";
import { officeNameOf } from "./digest-groups.ts";
import { placementOf } from "./identity.ts";

export interface BotAddedInput {
  eventId: string;
  chatId: string;
  chatName: string;
  /** who added the bot, when Feishu says */
  adderOpenId?: string;
}

/** One card in the group offering to make it an office's digest group (the adder's office when a manager added the bot). */
export async function offerDigestGroup(services: Services, input: BotAddedInput): Promise<{ offered: true }> {
  const adder = input.adderOpenId ? await findActor(services.db, input.adderOpenId, services.config.ADMIN_OPEN_IDS) : null;
  const t = messages(adder?.lang);
  const office = adder && isManager(adder) ? officeNameOf(adder, t) : null;
  services.uow.send({
    key: `bot_added:${input.eventId}`,
    to: { chatId: input.chatId },
    msgType: "interactive",
    content: bindOfferCard(t, input.chatId, input.chatName, office),
  });
  return { offered: true };
}

export type WelcomeResult = { ok: true; welcomed: "stranger" | "person" } | { ok: false; reason: "stranger-answered-today" | "welcomed-before" };

/**
 * The first time a person opens the bot's chat: one welcome card (who they are, where they belong); later, nothing.
 * Someone not on the roster: one short answer a day (in the office's time zone) with their own open_id.
 */
export async function welcomeOnFirstVisit(services: Services, openId: string): Promise<WelcomeResult> {
  const actor = await findActor(services.db, openId, services.config.ADMIN_OPEN_IDS);
  if (!actor) {
    const key = `stranger_welcome:${openId}:${localDate(services.nowMs, services.config.TIMEZONE)}`;
    const [claimed] = await services.d1.batch([claimedStatement(services.d1, [key])]);
    if ((claimed?.results.length ?? 0) > 0) return { ok: false, reason: "stranger-answered-today" };
    services.uow.write(claimStatement(services.d1, [key], services.nowMs));
    services.uow.send({ key, to: { openId }, msgType: "text", content: textContent(messages("zh").foundation.strangerWelcome(openId)) });
    return { ok: true, welcomed: "stranger" };
  }
  if (await wasWelcomed(services.d1, openId)) return { ok: false, reason: "welcomed-before" };
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
  return { ok: true, welcomed: "person" };
}

/** Someone not on the roster is answered once in this long (the answer shows them their open_id). */
const STRANGER_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Someone not on the roster wrote: answered at most once a day, in their own direct chat, with their open_id so an
 * office can add them (roster or ADMIN_OPEN_IDS).
 */
export async function answerStranger(services: Services, openId: string): Promise<{ answered: boolean }> {
  const uses = await countUse(services.d1, `stranger:${openId}`, services.nowMs, STRANGER_WINDOW_MS);
  if (uses > 1) return { answered: false };
  services.uow.send({ key: `stranger:${openId}:${services.nowMs}`, to: { openId }, msgType: "text", content: textContent(messages("zh").common.notRegisteredWithId(openId)) });
  return { answered: true };
}

/**
 * "Your message will be handled once the database is back": sent directly, not through the outbox (which is in
 * D1), with a uuid of its own so Feishu sends it at most once an hour however often it is tried.
 */
export async function tellDeferred(services: Services, chat: { messageId: string; chatId: string; chatType: string }, ref: string): Promise<void> {
  const outgoing = {
    msgType: "text" as const,
    content: JSON.stringify(textContent(messages("zh").common.deferred(ref))),
    uuid: await messageUuid(`deferred:${chat.messageId}`),
  };
  const client = services.feishu();
  if (chat.chatType === "group") await client.reply(chat.messageId, outgoing);
  else await client.send("chat_id", chat.chatId, outgoing);
}

/** Who sent a message: the roster's active person with this open_id (or a listed administrator), else null. */
export function findSender(services: Services, openId: string): Promise<Actor | null> {
  return findActor(services.db, openId, services.config.ADMIN_OPEN_IDS);
}
