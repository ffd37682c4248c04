/**
 * Daily 09:00 (cron "0 1 * * *"): a manager's approve / deny card for an extension request stops working 14 days
 * after it is sent (卡片可交互和可更新时间统一为 14 天). A request still pending CARD_REFRESH_DAYS after its card went
 * out gets a new one to the same managers (an `extension_card_refreshed` audit row, which dates it). Re-running the
 * same day sends and writes nothing new.
 */
import { refreshExtensionCards } from "../usecases/order-deadlines.ts";
import type { Job } from "./types.ts";

export const extensionCards: Job = {
  name: "extension-cards",
  async run(services) {
    const { refreshed } = await refreshExtensionCards(services);
    return `refreshed=${refreshed}`;
  },
};
