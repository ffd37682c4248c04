import { beforeEach, describe, expect, it } from "vitest";
import { plusDays, shanghaiToday } from "../support/dates.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";

const MANAGER = "ou_mgr_1";
const SUPERVISOR = "ou_sup_1";
const CONTACT = "ou_contact_1";
const DAILY = "0 1 * * *";

/** The daily cron's scheduled time on a Shanghai date (01:00 UTC = 09:00 Shanghai). */
const nineOn = (date: string) => new Date(`${date}T01:00:00Z`);

describe("orders: reminders, overdue and escalation by the daily cron; list counts", () => {
  let number: string;
  let due: string;

  const worker = useWorker({
    roster: true,
    setup: async () => {
      await worker.say(MANAGER, "督办 SCH001 10天 整改校园安全隐患");
      // the Shanghai day (and year) of the moment it was issued, not of the file's load
      const [row] = await worker.query<{ number: string; issued_at: number }>("SELECT number, issued_at FROM orders");
      const issuedOn = shanghaiToday(row!.issued_at);
      number = `督办〔${issuedOn.slice(0, 4)}〕1号`;
      expect(row!.number).toBe(number);
      due = plusDays(issuedOn, 10);
    },
  });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
  });

  /** What this feature sent about the order (the weekly digest shares the daily cron). */
  const sent = (openId?: string) =>
    (openId ? worker.fake.messagesTo(openId) : worker.fake.messages).filter((m) => {
      const text = FakeFeishu.textOf(m);
      return text.includes(number) && !text.includes("周报") && !text.includes("小结");
    });

  const events = async (action: string) =>
    worker.count("order_events", "action = ? AND order_id = (SELECT id FROM orders WHERE number = ?)", action, number);

  it("nothing is sent while the due date is more than 3 days away", async () => {
    await worker.runCron(DAILY, nineOn(plusDays(due, -4)));
    expect(sent()).toEqual([]);
    expect(await events("reminded")).toBe(0);
  });

  it("3 days before the due date the supervisor and the contact are reminded, once", async () => {
    await worker.runCron(DAILY, nineOn(plusDays(due, -3)));
    for (const openId of [SUPERVISOR, CONTACT]) {
      const cards = sent(openId);
      expect(cards).toHaveLength(1);
      expect(FakeFeishu.textOf(cards[0]!)).toContain(`到期提醒：${number}`);
    }
    expect(await events("reminded")).toBe(1);
    expect((await worker.query<{ reminded_for_due: string }>("SELECT reminded_for_due FROM orders WHERE number = ?", number))[0]!.reminded_for_due).toBe(due);

    worker.fake.reset();
    await worker.runCron(DAILY, nineOn(plusDays(due, -3)));
    await worker.runCron(DAILY, nineOn(plusDays(due, -2)));
    expect(sent()).toEqual([]);
    expect(await events("reminded")).toBe(1);
  });

  it("a new due date reminds again", async () => {
    const newDue = plusDays(due, 5);
    await worker.say(MANAGER, `延期 ${number} ${newDue}`);
    worker.fake.reset();
    await worker.runCron(DAILY, nineOn(plusDays(newDue, -3)));
    expect(sent(CONTACT).map((m) => FakeFeishu.textOf(m)).join("\n")).toContain(newDue);
    expect(await events("reminded")).toBe(2);
    due = newDue;
  });

  it("the day after the due date the order is overdue: one notice, one audit row, whatever the re-runs", async () => {
    await worker.runCron(DAILY, nineOn(plusDays(due, 1)));
    for (const openId of [SUPERVISOR, CONTACT]) expect(sent(openId).map((m) => FakeFeishu.textOf(m)).join("\n")).toContain(`已逾期：${number}`);
    expect(await events("overdue")).toBe(1);
    worker.fake.reset();
    await worker.runCron(DAILY, nineOn(plusDays(due, 1)));
    await worker.runCron(DAILY, nineOn(plusDays(due, 2)));
    expect(sent()).toEqual([]);
    expect(await events("overdue")).toBe(1);
    expect(await events("escalated")).toBe(0);
  });

  it("more than 14 days overdue: listed for escalation, the managers get one summary", async () => {
    await worker.runCron(DAILY, nineOn(plusDays(due, 14)));
    expect(await events("escalated")).toBe(0);
    await worker.runCron(DAILY, nineOn(plusDays(due, 15)));
    expect(await events("escalated")).toBe(1);
    const summary = sent(MANAGER);
    expect(summary).toHaveLength(1);
    expect(FakeFeishu.textOf(summary[0]!)).toContain(number);
    worker.fake.reset();
    await worker.runCron(DAILY, nineOn(plusDays(due, 16)));
    expect(sent()).toEqual([]);
  });

  it("`orders` counts agree with the stored rows, and the list pages", async () => {
    // Older orders as they would stand today: some past due, some closed, some cancelled.
    const d1 = await worker.d1();
    const today = shanghaiToday();
    const rows = Array.from({ length: 14 }, (_, i) => {
      const status = i < 3 ? "closed" : i < 4 ? "cancelled" : i < 7 ? "acknowledged" : "issued";
      const dueDate = plusDays(today, i % 2 === 0 ? -(i + 1) * 2 : i + 1);
      return { number: `督办〔2020〕${i + 1}号`, seq: i + 1, school: `SCH00${(i % 8) + 1}`, status, dueDate };
    });
    for (const r of rows) {
      await d1
        .prepare("INSERT INTO orders (number, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, updated_at) VALUES (?, 'order', 2020, ?, ?, 'old', ?, ?, 'M001', 0, 0)")
        .bind(r.number, r.seq, r.school, r.dueDate, r.status)
        .run();
    }
    const [expected] = await worker.query<{ total: number; open: number; overdue: number; escalation: number; closed: number; cancelled: number }>(
      `SELECT COUNT(*) AS total,
              SUM(status IN ('issued','acknowledged','reported')) AS open,
              SUM(status IN ('issued','acknowledged','reported') AND due_date < ?1) AS overdue,
              SUM(status IN ('issued','acknowledged','reported') AND julianday(?1) - julianday(due_date) > 14) AS escalation,
              SUM(status = 'closed') AS closed, SUM(status = 'cancelled') AS cancelled FROM orders`,
      today,
    );
    const { texts } = await worker.say(MANAGER, "督办单 全部");
    const e = expected!;
    expect(texts[0]).toContain(`共 ${e.total} 件：未结 ${e.open}，逾期 ${e.overdue}（超14天 ${e.escalation}），已销号 ${e.closed}，已撤销 ${e.cancelled}`);
    expect(texts[0]).toContain("第 1/2 页");

    const overdue = await worker.say(MANAGER, "orders overdue");
    const overdueNumbers = await worker.query<{ number: string }>(
      "SELECT number FROM orders WHERE status IN ('issued','acknowledged','reported') AND due_date < ? ORDER BY due_date",
      today,
    );
    for (const { number: n } of overdueNumbers) expect(overdue.texts[0]).toContain(n);

    // Sorted by due date, 10 a page; "next" shows the rest.
    const next = await worker.click(MANAGER, { action: "orders_page", filter: "all", scope: { kind: "all" }, page: 1 });
    const page2 = JSON.stringify(next.answer.card);
    expect(page2).toContain("2/2");
    const all = await worker.query<{ number: string }>("SELECT number FROM orders ORDER BY due_date, id");
    for (const { number: n } of all.slice(10)) expect(page2).toContain(n);
    for (const { number: n } of all.slice(0, 10)) expect(page2).not.toContain(n);

    // Asked in a group, the list goes to the asker by direct message and the group gets one short line.
    const sentBefore = worker.fake.messages.length;
    const inGroup = await worker.say(MANAGER, "督办单 全部", { chatType: "group" });
    expect(inGroup.texts.join("\n")).toContain("已私信发送给您");
    const groupCard = worker.fake.messages.slice(sentBefore).find((m) => m.chatId === `oc_p2p_${MANAGER}` && JSON.stringify(m.content).includes("1/2"))!;
    expect(groupCard).toBeDefined();
    // A list card that a group shares (its buttons carry `shared`) pages by sending the page to the clicker alone.
    const before = worker.fake.messages.length;
    const privately = await worker.click(MANAGER, { action: "orders_page", filter: "all", scope: { kind: "all" }, page: 1, shared: true }, undefined, groupCard.messageId);
    expect(privately.answer.card).toBeUndefined();
    expect(privately.answer.toast).toMatchObject({ type: "success", content: expect.stringContaining("第 2 页已私信发给您") });
    const sent = worker.fake.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chatId).toBe(`oc_p2p_${MANAGER}`);
    expect(JSON.stringify(sent[0]!.content)).toContain("2/2");
    expect(groupCard.updates).toEqual([]);

    // A zone scope and a supervisor's own view.
    const zone = await worker.say(MANAGER, "督办单 全部 Z02");
    const [z] = await worker.query<{ n: number }>("SELECT COUNT(*) AS n FROM orders o JOIN schools s ON s.code = o.school_code WHERE s.zone_code = 'Z02'");
    expect(zone.texts[0]).toContain(`共 ${z!.n} 件`);
    const mine = await worker.say("ou_sup_3", "督办单 全部");
    const [m] = await worker.query<{ n: number }>("SELECT COUNT(*) AS n FROM orders o JOIN schools s ON s.code = o.school_code WHERE s.supervisor_code = 'S003'");
    expect(mine.texts[0]).toContain(`共 ${m!.n} 件`);
  });

  it("an order waiting longer than a card lives gets a fresh actionable card every 12 days, once a day at most", async () => {
    // Feishu cards stop responding 14 days after they are sent; this order's due date is two months away
    await worker.say(MANAGER, "督办 SCH003 60天 完善校园安全台账");
    const longNumber = (await worker.query<{ number: string }>("SELECT number FROM orders WHERE school_code = 'SCH003' ORDER BY id DESC LIMIT 1"))[0]!.number;
    const today = shanghaiToday();
    const about = () => worker.fake.messages.filter((m) => FakeFeishu.textOf(m).includes(longNumber) && FakeFeishu.textOf(m).includes("待办"));
    const refreshed = async () => worker.count("order_events", "action = 'refreshed' AND order_id = (SELECT id FROM orders WHERE number = ?)", longNumber);
    worker.fake.reset();

    await worker.runCron(DAILY, nineOn(plusDays(today, 11)));
    expect(about()).toEqual([]);
    await worker.runCron(DAILY, nineOn(plusDays(today, 13)));
    const fresh = about();
    expect(fresh.length).toBeGreaterThanOrEqual(1);
    for (const message of fresh) {
      // the card can be acted on: acknowledge, report and ask for an extension
      const card = JSON.stringify(message.content);
      expect(card).toContain('"action":"order_ack"');
      expect(card).toContain('"action":"order_report"');
      expect(FakeFeishu.textOf(message)).toContain("14 天后就不能再点击");
    }
    // to the school's supervisor (and contacts), each in their direct chat with the bot
    const [supervisor] = await worker.query<{ open_id: string }>("SELECT p.open_id FROM schools s JOIN people p ON p.code = s.supervisor_code WHERE s.code = 'SCH003'");
    expect(fresh.map((m) => m.chatId)).toContain(`oc_p2p_${supervisor!.open_id}`);
    for (const message of fresh) expect(message.chatId).toMatch(/^oc_p2p_/);
    expect(await refreshed()).toBe(1);
    await worker.runCron(DAILY, nineOn(plusDays(today, 13)));
    await worker.runCron(DAILY, nineOn(plusDays(today, 14)));
    expect(about()).toHaveLength(fresh.length);
    expect(await refreshed()).toBe(1);
    await worker.runCron(DAILY, nineOn(plusDays(today, 25)));
    expect(await refreshed()).toBe(2);
    expect(about()).toHaveLength(fresh.length * 2);
  });

  it("a manager's approve / deny card for a pending extension is sent again before it stops working, and that one decides", async () => {
    await worker.say(MANAGER, "督办 SCH001 60天 更换消防器材");
    const extNumber = (await worker.query<{ number: string }>("SELECT number FROM orders WHERE school_code = 'SCH001' ORDER BY id DESC LIMIT 1"))[0]!.number;
    const today = shanghaiToday();
    const answer = await worker.click(CONTACT, { action: "order_extension_request", number: extNumber }, { ext_due: `${plusDays(today, 90)} +0800`, ext_reason: "器材到货较晚" });
    expect(answer.answer.toast?.type).toBe("success");
    const decisionCards = () => worker.fake.messagesTo(MANAGER).filter((m) => FakeFeishu.textOf(m).includes(`延期申请：${extNumber}`));
    const refreshedRows = () => worker.count("order_events", "action = 'extension_card_refreshed' AND order_id = (SELECT id FROM orders WHERE number = ?)", extNumber);
    worker.fake.reset();

    await worker.runCron(DAILY, nineOn(plusDays(today, 11)));
    expect(decisionCards()).toEqual([]);
    await worker.runCron(DAILY, nineOn(plusDays(today, 13)));
    expect(decisionCards()).toHaveLength(1);
    await worker.runCron(DAILY, nineOn(plusDays(today, 13)));
    expect(decisionCards()).toHaveLength(1);
    expect(await refreshedRows()).toBe(1);
    await worker.runCron(DAILY, nineOn(plusDays(today, 25)));
    expect(decisionCards()).toHaveLength(2);
    expect(await refreshedRows()).toBe(2);

    const buttons = [...JSON.stringify(decisionCards().at(-1)!.content).matchAll(/"value":(\{"action":"order_extension_decide"[^}]*\})/g)];
    const value = buttons.map((m) => JSON.parse(m[1]!) as Record<string, unknown>).find((v) => v.decision === "approve")!;
    const decided = await worker.click(MANAGER, value);
    expect(decided.answer.toast?.type).toBe("success");
    expect(await worker.count("extension_requests", "status = 'approved' AND order_id = (SELECT id FROM orders WHERE number = ?)", extNumber)).toBe(1);
    // decided: no more refreshes
    await worker.runCron(DAILY, nineOn(plusDays(today, 40)));
    expect(await refreshedRows()).toBe(2);
  });
});
