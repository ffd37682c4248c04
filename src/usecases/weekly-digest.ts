import type { Services } from "./services.ts";
import { loadDigest, markSentStatement } from "../db/digest.ts";
import { loadOffices } from "../db/offices.ts";
import { boundGroupOf } from "../db/digest-groups.ts";
import { topOffice } from "../domain/offices.ts";
import { buildDigest, buildOfficeDigest, digestWindow, wantsPersonalLine, zoneHasNews, type DigestWindow } from "../domain/digest.ts";
import { ESCALATION_DAYS } from "../domain/orders.ts";
import type { IsoWeek } from "../domain/time.ts";
import { digestCard } from "../feishu/cards/digest-card.ts";
import { textContent } from "../feishu/cards/kit.ts";
import type { UnitOfWork } from "../delivery/outbox.ts";
import { messages } from "../i18n/index.ts";
import { logger } from "../log.ts";

export const OFFICE_SCOPE = "office";
export const PEOPLE_SCOPE = "people";
export const zoneScope = (code: string) => `zone:${code}`;
export const officeScope = (code: string) => `office:${code}`;
export const digestKey = (week: IsoWeek, scope: "office" | `office:${string}` | `zone:${string}` | `person:${string}`) => `digest:${week}:${scope}`;

export function windowFor(services: Pick<Services, "config">, week: IsoWeek): DigestWindow {
  return digestWindow(week, services.config.TIMEZONE, ESCALATION_DAYS);
}

export type WeeklyDigestResult =
  | { ok: false; reason: "already-sent"; queries: number }
  | {
      ok: true;
      /** whether the top office's card had a group to go to */
      officeChat: boolean;
      /** offices in offices.csv (0 without it) */
      offices: number;
      officeCards: number;
      zoneCards: number;
      lines: number;
      queries: number;
    };

/**
 * The weekly digest of `week` (jobs/weekly-digest.ts runs it on a Monday for the ISO week that just ended): the office card
 * to its bound group (else offices.csv's, else DIGEST_CHAT_ID), each zone lead their zone's card (zones with anything to tell), each supervisor with visits
 * or waiting orders a one-line summary, and each district office with a group its own card. Reads: one D1 batch
 * (db/digest.ts). Writes: the `digests` rows (`office` closes report editing for the week; `office:<code>`;
 * `zone:<code>`; `people`) and the outbox rows, committed per office: the top office's cards (with the zones'
 * and the people's) in one batch, each district office's in its own, so one office's failure does not stop the
 * others; then this throws naming the offices that failed. Keys `digest:<week>:office|office:<code>|zone:<code>|person:<code>`
 * and the `digests` rows make a re-run send nothing new.
 */
export async function sendWeeklyDigest(services: Services, week: IsoWeek): Promise<WeeklyDigestResult> {
  const loaded = await loadDigest(services.d1, windowFor(services, week), { nowMs: services.nowMs });
  const offices = await loadOffices(services.db);
  const top = topOffice(offices);
  const districts = offices.filter((district) => district.code !== top?.code && district.digestChatId);
  const sent = loaded.sentScopes;
  if (sent.has(OFFICE_SCOPE) && districts.every((d) => sent.has(officeScope(d.code)))) return { ok: false, reason: "already-sent", queries: loaded.queries };

  const failed: string[] = [];
  const errors: unknown[] = [];
  /** one office's cards and their `digests` rows, in a batch of their own */
  const commitOffice = async (name: string, build: (uow: UnitOfWork) => string[]) => {
    const uow = services.uow.fresh();
    try {
      const scopes = build(uow);
      uow.write(markSentStatement(services.d1, week, scopes, services.nowMs));
      await uow.commit();
      return true;
    } catch (error) {
      failed.push(name);
      errors.push(error);
      logger.error({ ref: services.ref, route: "job:weekly_digest", week, office: name, outcome: "office_failed" }, error);
      return false;
    }
  };

  let zoneCards = 0;
  let lines = 0;
  // a group bound in Feishu first (loadOffices puts an office's in digestChatId; '' is the implicit office's), then offices.csv, then DIGEST_CHAT_ID
  const implicitGroup = (await boundGroupOf(services.db, ""))?.chatId;
  const chatId = (top ? top.digestChatId : null) ?? implicitGroup ?? services.config.DIGEST_CHAT_ID;
  if (!sent.has(OFFICE_SCOPE)) {
    let zones = 0;
    let people = 0;
    const ok = await commitOffice(top?.code ?? OFFICE_SCOPE, (uow) => {
      const scopes: string[] = [OFFICE_SCOPE];
      const office = top ? buildOfficeDigest(loaded.data, offices, top) : buildDigest(loaded.data, { kind: "office" });
      if (chatId) uow.send({ key: digestKey(week, "office"), to: { chatId }, msgType: "interactive", content: digestCard(messages("zh"), office) });
      for (const zone of loaded.data.zones) {
        if (!zone.leadOpenId || sent.has(zoneScope(zone.code))) continue;
        const digest = buildDigest(loaded.data, { kind: "zone", code: zone.code });
        if (!zoneHasNews(digest)) continue;
        uow.send({ key: digestKey(week, `zone:${zone.code}`), to: { openId: zone.leadOpenId }, msgType: "interactive", content: digestCard(messages(zone.leadLang), digest) });
        scopes.push(zoneScope(zone.code));
        zones++;
      }
      if (!sent.has(PEOPLE_SCOPE)) {
        for (const person of loaded.people) {
          if (!wantsPersonalLine(person)) continue;
          const t = messages(person.lang);
          uow.send({
            key: digestKey(week, `person:${person.code}`),
            to: { openId: person.openId },
            msgType: "text",
            content: textContent(t.digest.personal(week, person.name, person.done, person.missed, person.waiting)),
          });
          people++;
        }
        scopes.push(PEOPLE_SCOPE);
      }
      return scopes;
    });
    if (ok) [zoneCards, lines] = [zones, people];
  }

  // each district office with a group gets the digest of its own zones
  let officeCards = 0;
  for (const district of districts) {
    if (sent.has(officeScope(district.code))) continue;
    const ok = await commitOffice(district.code, (uow) => {
      uow.send({
        key: digestKey(week, `office:${district.code}`),
        to: { chatId: district.digestChatId! },
        msgType: "interactive",
        content: digestCard(messages("zh"), buildOfficeDigest(loaded.data, offices, district)),
      });
      return [officeScope(district.code)];
    });
    if (ok) officeCards++;
  }
  if (failed.length) throw new AggregateError(errors, `digest ${week} failed for office(s) ${failed.join(", ")}`);
  return { ok: true, officeChat: !!chatId, offices: offices.length, officeCards, zoneCards, lines, queries: loaded.queries };
}
