/**
 * Daily 09:00 (cron "0 1 * * *"): order deadlines.
 * - reminders to the school's supervisor and contacts when an open order is due within 3 days
 *   (once per due date: `order:<number>:remind:<dueDate>:<personCode>`, `orders.reminded_for_due`);
 * - overdue notices the first day an open order is past due (an `overdue` audit row per due date);
 * - escalation: open orders more than 14 days overdue get an `escalated` audit row (once per due date)
 *   and the managers one summary card a day listing the new ones;
 * - fresh cards: Feishu cards stop working 14 days after they are sent, so an order waiting for the
 *   school's side (issued or acknowledged) whose latest actionable card is CARD_REFRESH_DAYS old gets a
 *   new one (a `refreshed` audit row; `查看` gives one at any time too).
 * Re-running the same day sends and writes nothing new.
 */
import { runOrderDeadlines } from "../usecases/order-deadlines.ts";
import type { Job } from "./types.ts";

export { CARD_REFRESH_DAYS } from "../usecases/order-deadlines.ts";

export const orderDeadlines: Job = {
  name: "order-deadlines",
  async run(services) {
    const done = await runOrderDeadlines(services);
    return `reminded=${done.reminded} overdue=${done.overdue} escalated=${done.escalated} refreshed=${done.refreshed}`;
  },
};
