/**
 * Digest groups bound in Feishu: an office's manager makes a group its digest group (a card button or
 * `绑定周报群` typed in the group); the bot's removal from the group unbinds it and tells the office.
 * Everything is queued on `services.uow`; the office bound is always the actor's own.
 */
import type { Services } from "./services.ts";
import { bindStatement, officeManagers, officesBoundTo, unbindChatStatement } from "../db/digest-groups.ts";
import { loadOffices } from "../db/offices.ts";
import { isManager, type Actor } from "../db/people.ts";
import { topOffice } from "../domain/offices.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { messages, type Messages } from "../i18n/index.ts";

/** The key of the actor's office in digest_groups: its code, or '' without offices.csv. */
export const officeKeyOf = (actor: Actor) => actor.scope.office?.code ?? "";
export const officeNameOf = (actor: Actor, t: Messages) => actor.scope.office?.name ?? t.offices.implicitOffice;

export type BindOutcome = { kind: "refused" } | { kind: "bound"; office: string };

/** Binds `chatId` as the digest group of the actor's office (managers and admins only; nothing is written otherwise). */
export function bindDigestGroup(services: Services, actor: Actor, t: Messages, chatId: string, chatName = ""): BindOutcome {
  if (!isManager(actor)) return { kind: "refused" };
  services.uow.write(bindStatement(services.d1, { officeCode: officeKeyOf(actor), chatId, chatName, boundBy: actor.code, boundAt: services.nowMs }));
  return { kind: "bound", office: officeNameOf(actor, t) };
}

/** The bot left `chatId`: every office bound to it loses its group, and that office's managers and admins are told. */
export async function unbindRemovedGroup(services: Services, chatId: string, chatName: string, eventId: string): Promise<number> {
  const bound = await officesBoundTo(services.db, chatId);
  if (bound.length === 0) return 0;
  services.uow.write(unbindChatStatement(services.d1, chatId));
  const offices = await loadOffices(services.db);
  const top = topOffice(offices);
  for (const group of bound) {
    const office = offices.find((o) => o.code === group.officeCode);
    const managers = await officeManagers(services.db, group.officeCode, top?.code ?? null);
    const recipients = managers.length ? managers.map((m) => ({ openId: m.openId!, lang: m.lang })) : services.config.ADMIN_OPEN_IDS.map((openId) => ({ openId, lang: "zh" as const }));
    for (const person of recipients) {
      const t = messages(person.lang);
      services.uow.send({
        key: `unbound:${eventId}:${group.officeCode}:${person.openId}`,
        to: { openId: person.openId },
        msgType: "text",
        content: textContent(t.offices.unbound(office?.name ?? t.offices.implicitOffice, chatName || group.chatName || chatId)),
      });
    }
  }
  return bound.length;
}
