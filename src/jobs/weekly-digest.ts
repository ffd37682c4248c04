import type { Services } from "../commands/types.ts";
import { loadDigest, markSentStatement } from "../db/digest.ts";
import { loadOffices } from "../db/offices.ts";
import { boundGroupOf } from "../db/digest-groups.ts";
import { topOffice } from "../domain/offices.ts";
import { buildDigest, buildOfficeDigest, digestWindow, wantsPersonalLine, zoneHasNews, type DigestWindow } from "../domain/digest.ts";
import { ESCALATION_DAYS } from "../domain/orders.ts";
import { addWeeks, currentWeek, localDate, weekday, type IsoWeek } from "../domain/time.ts";
import { digestCard } from "../feishu/cards/digest-card.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { messages } from "../i18n/index.ts";
import type { Job } from "./types.ts";

export const OFFICE_SCOPE = "office";
export const PEOPLE_SCOPE = "people";
export const zoneScope = (code: string) => `zone:${code}`;
export const officeScope = (code: string) => `office:${code}`;
export const digestKey = (week: IsoWeek, scope: "office" | `office:${string}` | `zone:${string}` | `person:${string}`) => `digest:${week}:${scope}`;

export function windowFor(services: Pick<Services, "config">, week: IsoWeek): DigestWindow {
  return digestWindow(week, services.config.TIMEZONE, ESCALATION_DAYS);
}

/**
 * The daily 09:00 cron ("0 1 * * *"); only on a Monday in the office's time zone it sends the digest of the
 * ISO week that just ended: the office card to its bound group (else offices.csv's, else DIGEST_CHAT_ID), each zone lead their zone's card (zones with
 * anything to tell), each supervisor with visits or waiting orders a one-line summary. Reads: one D1 batch
 * (db/digest.ts). Writes: the `digests` rows (`office` closes report editing for the week; `zone:<code>`;
 * `people`) and the outbox rows in the unit of work's one batch. Keys `digest:<week>:office|zone:<code>|person:<code>`
 * and the `office` row make a re-run send nothing new.
 */
export const weeklyDigest: Job = {
  name: "weekly_digest",
  async run(services) {
    const tz = services.config.TIMEZONE;
    if (weekday(localDate(services.nowMs, tz)) !== 1) return "not_monday";
    const week = addWeeks(currentWeek(services.nowMs, tz), -1);
    const loaded = await loadDigest(services.d1, windowFor(services, week), { nowMs: services.nowMs });
    if (loaded.sentScopes.has(OFFICE_SCOPE)) return `week=${week} already_sent queries=${loaded.queries}`;

    const scopes: string[] = [OFFICE_SCOPE];
    const offices = await loadOffices(services.db);
    const top = topOffice(offices);
    // a group bound in Feishu first (loadOffices puts an office's in digestChatId; '' is the implicit office's), then offices.csv, then DIGEST_CHAT_ID
    const implicitGroup = (await boundGroupOf(services.db, ""))?.chatId;
    const chatId = (top ? top.digestChatId : null) ?? implicitGroup ?? services.config.DIGEST_CHAT_ID;
    const office = top ? buildOfficeDigest(loaded.data, offices, top) : buildDigest(loaded.data, { kind: "office" });
    if (chatId) services.uow.send({ key: digestKey(week, "office"), to: { chatId }, msgType: "interactive", content: digestCard(messages("zh"), office) });
    // each district office with a group gets the digest of its own zones
    let officeCards = 0;
    for (const district of offices) {
      if (district.code === top?.code || !district.digestChatId || loaded.sentScopes.has(officeScope(district.code))) continue;
      services.uow.send({
        key: digestKey(week, `office:${district.code}`),
        to: { chatId: district.digestChatId },
        msgType: "interactive",
        content: digestCard(messages("zh"), buildOfficeDigest(loaded.data, offices, district)),
      });
      scopes.push(officeScope(district.code));
      officeCards++;
    }

    let zoneCards = 0;
    for (const zone of loaded.data.zones) {
      if (!zone.leadOpenId || loaded.sentScopes.has(zoneScope(zone.code))) continue;
      const digest = buildDigest(loaded.data, { kind: "zone", code: zone.code });
      if (!zoneHasNews(digest)) continue;
      services.uow.send({
        key: digestKey(week, `zone:${zone.code}`),
        to: { openId: zone.leadOpenId },
        msgType: "interactive",
        content: digestCard(messages(zone.leadLang), digest),
      });
      scopes.push(zoneScope(zone.code));
      zoneCards++;
    }

    let lines = 0;
    if (!loaded.sentScopes.has(PEOPLE_SCOPE)) {
      for (const person of loaded.people) {
        if (!wantsPersonalLine(person)) continue;
        const t = messages(person.lang);
        services.uow.send({
          key: digestKey(week, `person:${person.code}`),
          to: { openId: person.openId },
          msgType: "text",
          content: textContent(t.digest.personal(week, person.name, person.done, person.missed, person.waiting)),
        });
        lines++;
      }
      scopes.push(PEOPLE_SCOPE);
    }

    services.uow.write(markSentStatement(services.d1, week, scopes, services.nowMs));
    return `week=${week} office=${chatId ? 1 : "no_chat"}${offices.length ? ` offices=${officeCards}` : ""} zones=${zoneCards} people=${lines} queries=${loaded.queries}`;
  },
};
