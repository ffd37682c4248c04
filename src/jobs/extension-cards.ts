/**
 * Daily 09:00 (cron "0 1 * * *"): a manager's approve / deny card for an extension request stops working 14 days
 * after it is sent (卡片可交互和可更新时间统一为 14 天). A request still pending CARD_REFRESH_DAYS after its card went
 * out gets a new one to the same managers (an `extension_card_refreshed` audit row, which dates it). Re-running the
 * same day sends and writes nothing new.
 */
import { extensionRefreshedStatement, staleExtensionRequests } from "../db/extension-refresh.ts";
import { managersInChain } from "../db/people.ts";
import { localDate } from "../domain/time.ts";
import { extensionDecisionCard } from "../feishu/cards/order-card.ts";
import { notifyPeople } from "../usecases/orders.ts";
import { CARD_REFRESH_DAYS } from "./order-deadlines.ts";
import type { Job } from "./types.ts";

export const extensionCards: Job = {
  name: "extension-cards",
  async run(services) {
    const { d1, nowMs } = services;
    const timeZone = services.config.TIMEZONE;
    const today = localDate(nowMs, timeZone);
    const stale = await staleExtensionRequests(d1, nowMs - CARD_REFRESH_DAYS * 86_400_000);
    for (const { request, order } of stale) {
      services.uow.write(extensionRefreshedStatement(d1, request, nowMs));
      const managers = await managersInChain(services.db, { zone: { level: order.zoneLevel, district: order.zoneDistrict } });
      notifyPeople(services, managers, (p) => `order:${order.number}:extension:${request.ordinal}:refresh:${today}:${p.code}`, (t) =>
        extensionDecisionCard(t, order, { ordinal: request.ordinal, requesterName: request.requesterName, requestedDue: request.requestedDue, reason: request.reason }, { today, timeZone }),
      );
    }
    return `refreshed=${stale.length}`;
  },
};
