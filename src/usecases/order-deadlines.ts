/**
 * The daily order deadlines (jobs/order-deadlines.ts): reminders, overdue notices, fresh cards and the managers'
 * escalation summary. Reads come from db/order-deadlines.ts; audit rows, reminded marks and every message are
 * queued on the unit of work, so a re-run the same day writes and sends nothing new.
 */
import type { Services } from "./services.ts";
import { deadlineEventStatements, ordersDueBy, ordersWithStaleCards, remindedStatements, type DeadlineCandidate } from "../db/order-deadlines.ts";
import { extensionRefreshedStatement, staleExtensionRequests } from "../db/extension-refresh.ts";
import { recipientsOf } from "../db/orders.ts";
import { managersInChain, managersInChainOfEach } from "../db/people.ts";
import { daysOverdue, ESCALATION_DAYS, needsReminder, REMINDER_DAYS } from "../domain/orders.ts";
import { addDays, daysBetween, localDate } from "../domain/time.ts";
import { card, escapeMarkdown, markdown } from "../feishu/cards/kit.ts";
import { extensionDecisionCard, orderCard } from "../feishu/cards/order-card.ts";
import { notifyPeople } from "./orders.ts";

/** keeps the managers' summary card well under Feishu's 30 KB */
const MAX_LISTED = 40;

/** Feishu cards are interactive for 14 days after sending; the daily job sends a new one before that. */
export const CARD_REFRESH_DAYS = 12;
/** the audit actions whose notice carried an actionable order card to the school's side */
const FRESH_CARD_ACTIONS = ["issued", "sent_back", "extended", "extension_approved", "extension_denied", "reminded", "overdue", "refreshed"];

export interface OrderDeadlinesResult {
  reminded: number;
  overdue: number;
  escalated: number;
  refreshed: number;
}

export async function runOrderDeadlines(services: Services): Promise<OrderDeadlinesResult> {
  const { d1, nowMs } = services;
  const timeZone = services.config.TIMEZONE;
  const today = localDate(nowMs, timeZone);
  const results = await ordersDueBy(d1, addDays(today, REMINDER_DAYS));
  const remind = results.filter((o) => needsReminder(o, today));
  const overdue = results.filter((o) => daysOverdue(o, today) > 0 && !o.overdueNoted);
  const escalate = results.filter((o) => daysOverdue(o, today) > ESCALATION_DAYS && !o.escalationNoted);
  const getsCardToday = new Set([...remind, ...overdue].map((o) => o.id));
  const stale = await ordersWithStaleCards(d1, nowMs - CARD_REFRESH_DAYS * 86_400_000, FRESH_CARD_ACTIONS);
  const refresh = stale.filter((o) => !getsCardToday.has(o.id));
  const people = await recipientsOf(d1, [...new Set([...remind, ...overdue, ...refresh].map((o) => o.schoolCode))]);

  const events = (rows: DeadlineCandidate[], action: string) => {
    services.uow.write(...deadlineEventStatements(d1, rows, action, nowMs));
  };

  services.uow.write(...remindedStatements(d1, remind));
  events(remind, "reminded");
  for (const order of remind) {
    const days = daysBetween(today, order.dueDate);
    notifyPeople(services, people.get(order.schoolCode) ?? [], (p) => `order:${order.number}:remind:${order.dueDate}:${p.code}`, (t) =>
      orderCard(t, order, { today, timeZone, title: t.orders.reminderTitle(order.number), template: "orange", intro: t.orders.reminderIntro(order.dueDate, days), actions: true }),
    );
  }

  events(overdue, "overdue");
  for (const order of overdue) {
    notifyPeople(services, people.get(order.schoolCode) ?? [], (p) => `order:${order.number}:overdue:${order.dueDate}:${p.code}`, (t) =>
      orderCard(t, order, { today, timeZone, title: t.orders.overdueTitle(order.number), template: "red", intro: t.orders.overdueIntro(order.dueDate), actions: true }),
    );
  }

  events(refresh, "refreshed");
  for (const order of refresh) {
    notifyPeople(services, people.get(order.schoolCode) ?? [], (p) => `order:${order.number}:refresh:${today}:${p.code}`, (t) =>
      orderCard(t, order, { today, timeZone, title: t.orders.refreshTitle(order.number), template: daysOverdue(order, today) > 0 ? "red" : "blue", intro: t.orders.refreshIntro(order.dueDate), actions: true }),
    );
  }

  events(escalate, "escalated");
  // each manager hears of the orders of their office's chain only (the school's office and those above it)
  for (const { manager, items } of await managersInChainOfEach(services.db, escalate, (o) => ({ level: o.zoneLevel, district: o.zoneDistrict }))) {
    notifyPeople(services, [manager], (p) => `orders:escalation:${today}:${p.code}`, (t) => {
      const lines = items.slice(0, MAX_LISTED).map((o) => `- **${escapeMarkdown(o.number)}** ${escapeMarkdown(o.schoolName)} · ${o.dueDate}${t.orders.overdueTag(daysOverdue(o, today))}`);
      if (items.length > MAX_LISTED) lines.push(`- …（+${items.length - MAX_LISTED}）`);
      return card({ title: t.orders.escalationTitle(today), template: "red", elements: [markdown(t.orders.escalationIntro(items.length)), markdown(lines.join("\n"))] });
    });
  }
  return { reminded: remind.length, overdue: overdue.length, escalated: escalate.length, refreshed: refresh.length };
}

/**
 * A manager's approve / deny card for an extension request stops working 14 days after it is sent; a request still
 * pending CARD_REFRESH_DAYS after its card went out gets a new one to the same managers (an `extension_card_refreshed`
 * audit row dates it; jobs/extension-cards.ts).
 */
export async function refreshExtensionCards(services: Services): Promise<{ refreshed: number }> {
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
  return { refreshed: stale.length };
}
