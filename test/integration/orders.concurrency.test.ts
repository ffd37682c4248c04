import { beforeAll, describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";
import { shanghaiYear } from "../support/dates.ts";
import { TestBarrier } from "../support/test-barrier.ts";

const MANAGER = "ou_mgr_1";
const SUPERVISOR = "ou_sup_1"; // nameplate supervisor of SCH001
const CONTACT = "ou_contact_1"; // contact of SCH001

/**
 * Two people acting on one order at the same moment: the change happens once, the audit trail has one row,
 * and the people told about it get one card (the notification's key names the order's state it leaves).
 * "The same moment" is made so, not hoped for: both requests are held at the test's barrier (test-barrier.ts)
 * after reading the order and before committing (the use case's critical point `order:<number>`), and released
 * together, so both commits run against the same read state and exactly one may win.
 */
describe("orders: simultaneous changes happen once", () => {
  // the Shanghai year (the Worker's TIMEZONE), read again in setup right before the orders are issued
  let year = String(shanghaiYear());
  const events = (number: string, action: string) =>
    worker.count("order_events", "action = ? AND order_id = (SELECT id FROM orders WHERE number = ?)", action, number);

  let barrier: TestBarrier;
  // the barrier starts first (its url is one of the Worker's vars)
  beforeAll(async () => {
    barrier = await new TestBarrier().start();
  });
  const worker = useWorker({
    roster: true,
    vars: () => ({ TEST_BARRIER_URL: barrier.url }),
    setup: async () => {
      year = String(shanghaiYear());
    },
    teardown: () => barrier.stop(),
  });

  it("the supervisor and the contact submit a report at once: one report, one card to the manager", async () => {
    await worker.say(MANAGER, "督办 SCH001 30天 整改一");
    const number = `督办〔${year}〕1号`;
    worker.fake.reset();
    const answers = await barrier.atOnce(`order:${number}`, [
      () => worker.click(SUPERVISOR, { action: "order_report", number }, { done: "督学代报：已整改", result: "done" }),
      () => worker.click(CONTACT, { action: "order_report", number }, { done: "学校自报：已整改", result: "done" }),
    ]);
    expect(await events(number, "reported")).toBe(1);
    // both read the order as issued: only the report that was kept is thanked, the other hears that the order moved on
    const toasts = answers.map(({ answer }) => answer.toast);
    expect(toasts.filter((toast) => toast?.type === "success")).toHaveLength(1);
    expect(toasts.filter((toast) => toast?.type !== "success")).toEqual([{ type: "warning", content: expect.stringContaining("刚刚已被他人处理") }]);
    expect(worker.fake.messagesTo(MANAGER).filter((m) => FakeFeishu.textOf(m).includes(number))).toHaveLength(1);
  });

  it("two managers close and cancel the same order at once: one of them happens, and the school hears of that one only", async () => {
    const number = `督办〔${year}〕1号`;
    worker.fake.reset();
    const [close, cancel] = await barrier.atOnce(`order:${number}`, [
      () => worker.say(MANAGER, `销号 ${number} 合格`),
      () => worker.say("ou_bootstrap_admin", `撤销 ${number} 重复下发`),
    ]);
    expect((await events(number, "closed")) + (await events(number, "cancelled"))).toBe(1);
    // the one that happened is confirmed; the other manager hears that the order changed meanwhile, not that theirs happened
    const closed = (await events(number, "closed")) === 1;
    const [winner, loser] = closed ? [close!, cancel!] : [cancel!, close!];
    expect(winner.texts).toEqual([expect.stringContaining(closed ? "已核查销号" : "已撤销")]);
    expect(loser.texts).toEqual([expect.stringContaining(`${number} 刚刚已被他人处理`)]);
    for (const openId of [SUPERVISOR, CONTACT]) {
      const cards = worker.fake.messagesTo(openId).filter((m) => FakeFeishu.textOf(m).includes(number));
      expect(cards).toHaveLength(1);
      expect(FakeFeishu.textOf(cards[0]!)).toContain(closed ? `已销号：${number}` : `已撤销：${number}`);
    }
  });

  it("two managers extend the same order at once: one extension applies, and the row, the trail, the answers and the card sent agree", async () => {
    await worker.say(MANAGER, "督办 SCH001 30天 整改二");
    const number = `督办〔${year}〕2号`;
    worker.fake.reset();
    const answers = await barrier.atOnce(`order:${number}`, [() => worker.say(MANAGER, `延期 ${number} 40天`), () => worker.say("ou_bootstrap_admin", `延期 ${number} 50天`)]);
    const [row] = await worker.query<{ due_date: string }>("SELECT due_date FROM orders WHERE number = ?", number);
    const trail = await worker.query<{ data: string }>(
      "SELECT data FROM order_events WHERE action = 'extended' AND order_id = (SELECT id FROM orders WHERE number = ?) ORDER BY id",
      number,
    );
    // both read the same due date: one extension applies, its manager is told so, the other hears it changed meanwhile
    expect(trail).toHaveLength(1);
    expect(JSON.parse(trail[0]!.data).to).toBe(row!.due_date);
    const texts = answers.map((answer) => answer.texts.join("\n"));
    expect(texts.filter((text) => text.includes(row!.due_date))).toHaveLength(1);
    expect(texts.filter((text) => text.includes(`${number} 刚刚已被他人处理`))).toHaveLength(1);
    const cards = worker.fake.messagesTo(CONTACT).filter((m) => FakeFeishu.textOf(m).includes(number));
    expect(cards).toHaveLength(1);
    expect(FakeFeishu.textOf(cards[0]!)).toContain(row!.due_date);
  });
  it("two managers decide the same extension request at once: one decision is recorded and confirmed, the other hears it was already decided", async () => {
    await worker.say(MANAGER, "督办 SCH001 30天 整改三");
    const [{ number }] = (await worker.query<{ number: string }>("SELECT number FROM orders ORDER BY id DESC LIMIT 1")) as [{ number: string }];
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
    const wanted = new Date(Date.parse(`${today}T00:00:00Z`) + 45 * 86_400_000).toISOString().slice(0, 10);
    await worker.click(CONTACT, { action: "order_extension_request", number }, { ext_due: `${wanted} +0800`, ext_reason: "需要施工队" });
    const [request] = await worker.query<{ id: number }>("SELECT id FROM extension_requests WHERE order_id = (SELECT id FROM orders WHERE number = ?)", number);
    const decide = (openId: string, decision: string) => worker.click(openId, { action: "order_extension_decide", number, request: request!.id, decision });
    worker.fake.reset();
    const answers = await barrier.atOnce(`order:${number}`, [() => decide(MANAGER, "approve"), () => decide("ou_bootstrap_admin", "deny")]);
    const decided = (await events(number, "extension_approved")) + (await events(number, "extension_denied"));
    expect(decided).toBe(1);
    const toasts = answers.map(({ answer }) => answer.toast);
    expect(toasts.filter((toast) => toast?.type === "success")).toHaveLength(1);
    expect(toasts.filter((toast) => toast?.type !== "success")).toEqual([{ type: "info", content: expect.stringContaining("已经处理") }]);
    // the school hears the decision that was recorded, once
    const approved = (await events(number, "extension_approved")) === 1;
    const cards = worker.fake.messagesTo(CONTACT).filter((m) => FakeFeishu.textOf(m).includes(number));
    expect(cards).toHaveLength(1);
    expect(toasts[approved ? 0 : 1]?.type).toBe("success");
  });
});
