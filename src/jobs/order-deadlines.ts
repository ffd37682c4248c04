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
import { chunkForJson } from "../db/client.ts";
import { recipientsOf, SYSTEM_ACTOR, type OrderRecord } from "../db/orders.ts";
import { notifyPeople } from "../usecases/orders.ts";
import { managersInChainOfEach } from "../db/people.ts";
import { daysOverdue, ESCALATION_DAYS, needsReminder, REMINDER_DAYS } from "../domain/orders.ts";
import { addDays, daysBetween, localDate } from "../domain/time.ts";
import { card, escapeMarkdown, markdown } from "../feishu/cards/kit.ts";
import { orderCard } from "../feishu/cards/order-card.ts";
import type { Job } from "./types.ts";

/** keeps the managers' summary card well under Feishu's 30 KB */
const MAX_LISTED = 40;

type Candidate = OrderRecord & { overdueNoted: number; escalationNoted: number };

/** Feishu cards are interactive for 14 days after sending; the daily job sends a new one before that. */
export const CARD_REFRESH_DAYS = 12;
/** the audit actions whose notice carried an actionable order card to the school's side */
const FRESH_CARD_ACTIONS = ["issued", "sent_back", "extended", "extension_approved", "extension_denied", "reminded", "overdue", "refreshed"];

const CANDIDATES_SQL = `SELECT o.id, o.number, o.kind, o.school_code AS schoolCode, COALESCE(s.name, o.school_code) AS schoolName, o.text,
  o.due_date AS dueDate, o.status, o.issued_by AS issuedBy, COALESCE(p.name, o.issued_by) AS issuedByName, o.issued_at AS issuedAt,
  o.reminded_for_due AS remindedForDue,
  EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.action = 'overdue' AND json_extract(e.data, '$.dueDate') = o.due_date) AS overdueNoted,
  EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.action = 'escalated' AND json_extract(e.data, '$.dueDate') = o.due_date) AS escalationNoted,
  COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict
FROM orders o LEFT JOIN schools s ON s.code = o.school_code LEFT JOIN people p ON p.code = o.issued_by LEFT JOIN zones z ON z.code = s.zone_code
WHERE o.status IN ('issued', 'acknowledged', 'reported') AND o.due_date <= ?1
ORDER BY o.due_date, o.id`;

const REFRESH_SQL = `SELECT o.id, o.number, o.kind, o.school_code AS schoolCode, COALESCE(s.name, o.school_code) AS schoolName, o.text,
  o.due_date AS dueDate, o.status, o.issued_by AS issuedBy, COALESCE(p.name, o.issued_by) AS issuedByName, o.issued_at AS issuedAt,
  o.reminded_for_due AS remindedForDue, 0 AS overdueNoted, 0 AS escalationNoted,
  COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict
FROM orders o LEFT JOIN schools s ON s.code = o.school_code LEFT JOIN people p ON p.code = o.issued_by LEFT JOIN zones z ON z.code = s.zone_code
WHERE o.status IN ('issued', 'acknowledged')
  AND MAX(o.issued_at, COALESCE((SELECT MAX(e.at) FROM order_events e WHERE e.order_id = o.id AND e.action IN (SELECT value FROM json_each(?2))), 0)) <= ?1
ORDER BY o.due_date, o.id`;

const EVENTS_SQL = `INSERT INTO order_events (order_id, at, actor_code, action, note, data)
SELECT json_extract(value, '$.id'), ?1, ?2, ?3, NULL, json_object('dueDate', json_extract(value, '$.dueDate'))
FROM json_each(?4)`;

const REMINDED_SQL = `UPDATE orders SET reminded_for_due = due_date
WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(?1)) AND due_date IN (SELECT json_extract(value, '$.dueDate') FROM json_each(?1))`;

export const orderDeadlines: Job = {
  name: "order-deadlines",
  async run(services) {
    const { d1, nowMs } = services;
    const timeZone = services.config.TIMEZONE;
    const today = localDate(nowMs, timeZone);
    const { results } = await d1.prepare(CANDIDATES_SQL).bind(addDays(today, REMINDER_DAYS)).all<Candidate>();
    const remind = results.filter((o) => needsReminder(o, today));
    const overdue = results.filter((o) => daysOverdue(o, today) > 0 && !o.overdueNoted);
    const escalate = results.filter((o) => daysOverdue(o, today) > ESCALATION_DAYS && !o.escalationNoted);
    const getsCardToday = new Set([...remind, ...overdue].map((o) => o.id));
    const stale = await d1.prepare(REFRESH_SQL).bind(nowMs - CARD_REFRESH_DAYS * 86_400_000, JSON.stringify(FRESH_CARD_ACTIONS)).all<Candidate>();
    const refresh = stale.results.filter((o) => !getsCardToday.has(o.id));
    const people = await recipientsOf(d1, [...new Set([...remind, ...overdue, ...refresh].map((o) => o.schoolCode))]);

    const events = (rows: Candidate[], action: string) => {
      for (const chunk of chunkForJson(rows.map((o) => ({ id: o.id, dueDate: o.dueDate })))) {
        services.uow.write(d1.prepare(EVENTS_SQL).bind(nowMs, SYSTEM_ACTOR, action, JSON.stringify(chunk)));
      }
    };

    for (const chunk of chunkForJson(remind.map((o) => ({ id: o.id, dueDate: o.dueDate })))) services.uow.write(d1.prepare(REMINDED_SQL).bind(JSON.stringify(chunk)));
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
    return `reminded=${remind.length} overdue=${overdue.length} escalated=${escalate.length} refreshed=${refresh.length}`;
  },
};
