import { describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";
import { shanghaiYear } from "../support/dates.ts";

const MANAGER = "ou_mgr_1";
const SUPERVISOR = "ou_sup_1"; // nameplate supervisor of SCH001
const CONTACT = "ou_contact_1"; // contact of SCH001

/**
 * Two people acting on one order at the same moment: the change happens once, the audit trail has one row,
 * and the people told about it get one card (the notification's key names the order's state it leaves).
 */
describe("orders: simultaneous changes happen once", () => {
  // the Shanghai year (the Worker's TIMEZONE), read again in setup right before the orders are issued
  let year = String(shanghaiYear());
  const events = (number: string, action: string) =>
    worker.count("order_events", "action = ? AND order_id = (SELECT id FROM orders WHERE number = ?)", action, number);

  const worker = useWorker({
    roster: true,
    setup: async () => {
      year = String(shanghaiYear());
    },
  });

  it("the supervisor and the contact submit a report at once: one report, one card to the manager", async () => {
    await worker.say(MANAGER, "督办 SCH001 30天 整改一");
    const number = `督办〔${year}〕1号`;
    worker.fake.reset();
    const answers = await Promise.all([
      worker.click(SUPERVISOR, { action: "order_report", number }, { done: "督学代报：已整改", result: "done" }),
      worker.click(CONTACT, { action: "order_report", number }, { done: "学校自报：已整改", result: "done" }),
    ]);
    expect(await events(number, "reported")).toBe(1);
    // only the report that was kept is thanked; the other hears that the order moved on (raced) or was already reported (one after the other)
    const toasts = answers.map(({ answer }) => answer.toast);
    expect(toasts.filter((toast) => toast?.type === "success")).toHaveLength(1);
    // raced: 刚刚已被他人处理 (changedMeanwhile); one after the other: 整改报告已经提交 (refusals.already_reported); never a crash
    expect(toasts.filter((toast) => toast?.type !== "success")).toEqual([{ type: "warning", content: expect.stringMatching(/刚刚已被他人处理|整改报告已经提交/) }]);
    expect(worker.fake.messagesTo(MANAGER).filter((m) => FakeFeishu.textOf(m).includes(number))).toHaveLength(1);
  });

  it("two managers close and cancel the same order at once: one of them happens, and the school hears of that one only", async () => {
    const number = `督办〔${year}〕1号`;
    worker.fake.reset();
    const [close, cancel] = await Promise.all([worker.say(MANAGER, `销号 ${number} 合格`), worker.say("ou_bootstrap_admin", `撤销 ${number} 重复下发`)]);
    expect((await events(number, "closed")) + (await events(number, "cancelled"))).toBe(1);
    // the one that happened is confirmed; the other manager is not told it happened
    const closed = (await events(number, "closed")) === 1;
    expect(close!.texts.join()).toContain(closed ? "已核查销号" : number);
    expect(close!.texts.join().includes("已核查销号")).toBe(closed);
    expect(cancel!.texts.join().includes("已撤销")).toBe(!closed);
    for (const openId of [SUPERVISOR, CONTACT]) expect(worker.fake.messagesTo(openId).filter((m) => FakeFeishu.textOf(m).includes(number))).toHaveLength(1);
  });

  it("two managers extend the same order at once: the row, the trail and the cards sent agree", async () => {
    await worker.say(MANAGER, "督办 SCH001 30天 整改二");
    const number = `督办〔${year}〕2号`;
    worker.fake.reset();
    await Promise.all([worker.say(MANAGER, `延期 ${number} 40天`), worker.say("ou_bootstrap_admin", `延期 ${number} 50天`)]);
    const [row] = await worker.query<{ due_date: string }>("SELECT due_date FROM orders WHERE number = ?", number);
    const trail = await worker.query<{ data: string }>(
      "SELECT data FROM order_events WHERE action = 'extended' AND order_id = (SELECT id FROM orders WHERE number = ?) ORDER BY id",
      number,
    );
    // Overlapping, one of them applies; one after the other (a slow machine), both do. Either way every
    // recorded extension was told, and the row holds the last one recorded.
    expect(trail.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(trail.at(-1)!.data).to).toBe(row!.due_date);
    const cards = worker.fake.messagesTo(CONTACT).filter((m) => FakeFeishu.textOf(m).includes(number));
    expect(cards).toHaveLength(trail.length);
    expect(cards.some((m) => FakeFeishu.textOf(m).includes(row!.due_date))).toBe(true);
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
    const answers = await Promise.all([decide(MANAGER, "approve"), decide("ou_bootstrap_admin", "deny")]);
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
