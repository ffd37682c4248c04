import { beforeEach, describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";
import { expectRefusalAnswer } from "../support/refusal.ts";
import { shanghaiYear } from "../support/dates.ts";

const MANAGER = "ou_mgr_1";
// the refusals' words (src/i18n), as the user reads them in the toast
const NOT_ON_ROSTER = "不在督学助手的名册中";
const NOT_YOURS = "不是发给您的";
const STALE = "这张卡片已失效";
const TOO_LONG = "填写的内容太长";

/** Strangers' clicks and commands on orders are refused and change nothing. */
describe("orders: only the right people act", () => {
  let number: string;
  let before: Record<string, number>;
  // the Shanghai year (the Worker's TIMEZONE), read again in beforeAll right before the orders are issued
  let year = String(shanghaiYear());

  const state = async () => {
    const { processed_events: _p, outbox: _o, ...rest } = await worker.snapshot();
    return rest;
  };

  const worker = useWorker({
    roster: true,
    setup: async () => {
      year = String(shanghaiYear());
      await worker.say(MANAGER, "督办 SCH001 30天 请整改[点这里](https://evil.example) <at id=all></at>");
      number = `督办〔${year}〕1号`;
    },
  });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
    before = await state();
  });

  /** a refusal saying `says` (not a crash: no internal-error toast, no error logged), nothing changed, nothing sent */
  async function expectRefusedClick(openId: string, value: Record<string, unknown>, says: string | RegExp, formValue?: Record<string, unknown>) {
    const mark = worker.logs.length;
    const { status, answer } = await worker.click(openId, value, formValue);
    expect(status).toBe(200);
    expectRefusalAnswer(worker, mark, answer, says);
    expect(await state()).toEqual(before);
    expect(worker.fake.messages).toEqual([]);
    return answer.toast!.content;
  }

  it("a supervisor of another school clicking acknowledge", async () => {
    await expectRefusedClick("ou_sup_2", { action: "order_ack", number }, NOT_YOURS);
    expect((await worker.query<{ status: string }>("SELECT status FROM orders WHERE number = ?", number))[0]!.status).toBe("issued");
  });

  it("someone not on the roster clicking acknowledge, report or extension", async () => {
    await expectRefusedClick("ou_nobody", { action: "order_ack", number }, NOT_ON_ROSTER);
    await expectRefusedClick("ou_nobody", { action: "order_report", number }, NOT_ON_ROSTER, { done: "x", result: "done" });
    await expectRefusedClick("ou_nobody", { action: "order_extension_request", number }, NOT_ON_ROSTER, { ext_due: "2099-01-01", ext_reason: "x" });
  });

  it("a manager cannot acknowledge for the school; a school contact cannot issue through the form or decide extensions", async () => {
    await expectRefusedClick(MANAGER, { action: "order_ack", number }, NOT_YOURS);
    await expectRefusedClick("ou_contact_1", { action: "order_issue_submit" }, NOT_YOURS, { kind: "order", schools: "SCH001", due: "30天", text: "x" });
    await worker.click("ou_contact_1", { action: "order_extension_request", number }, { ext_due: "60天", ext_reason: "需要时间" });
    await worker.settle();
    worker.fake.reset();
    before = await state();
    await expectRefusedClick("ou_sup_1", { action: "order_extension_decide", number, request: 1, decision: "approve" }, NOT_YOURS);
    await expectRefusedClick("ou_contact_1", { action: "order_extension_decide", number, request: 1, decision: "approve" }, NOT_YOURS);
    expect((await worker.query<{ status: string }>("SELECT status FROM extension_requests"))[0]!.status).toBe("pending");
  });

  it("malformed button values", async () => {
    await expectRefusedClick("ou_contact_1", { action: "order_ack", number: 42 }, STALE);
    await expectRefusedClick("ou_contact_1", { action: "order_ack", number: "x".repeat(5000) }, TOO_LONG);
    await expectRefusedClick("ou_contact_1", { action: "order_ack" }, STALE);
    await expectRefusedClick(MANAGER, { action: "order_extension_decide", number, request: "1; DROP TABLE orders", decision: "approve" }, STALE);
    await expectRefusedClick(MANAGER, { action: "order_extension_decide", number, request: 0, decision: "approve" }, STALE);
    await expectRefusedClick(MANAGER, { action: "order_extension_decide", number, request: 99, decision: "approve" }, STALE);
    await expectRefusedClick(MANAGER, { action: "order_extension_decide", number: "督办〔1999〕1号", request: 1, decision: "approve" }, STALE);
    await expectRefusedClick(MANAGER, { action: "order_extension_decide", number, request: 1, decision: "maybe" }, STALE);
    await expectRefusedClick(MANAGER, { action: "orders_page", filter: "open", scope: { kind: "zone" }, page: 1 }, STALE);
  });

  it("supervisors and contacts cannot use the manager commands, nor see other schools' orders", async () => {
    for (const text of [`销号 ${number}`, `退回 ${number} 不行`, `延期 ${number} 60天`, `撤销 ${number} 不要了`]) {
      const { texts } = await worker.say("ou_contact_1", text);
      expect(texts[0]).toContain("只有管理员");
    }
    const { texts } = await worker.say("ou_sup_2", `查看 ${number}`);
    expect(texts[0]).toContain("没有找到编号");
    const list = await worker.say("ou_sup_2", "督办单 全部");
    expect(list.texts[0]).not.toContain(number);
    expect(await state()).toEqual(before);
  });

  it("the order text cannot inject links or mentions into the cards", async () => {
    const { replies } = await worker.say("ou_contact_1", `查看 ${number}`);
    const text = FakeFeishu.textOf(replies[0]!);
    expect(text).toContain("点这里");
    expect(text).not.toContain("[点这里](https://evil.example)");
    expect(text).not.toContain("<at id=all>");
  });
});

describe("the audit trail in the database", () => {
  const worker = useWorker();

  it("refuses to rewrite or delete order events and report versions", async () => {
    await worker.query("INSERT INTO order_events (order_id, at, actor_code, action, note) VALUES (1, 1, 'M001', 'issued', 'x')");
    await worker.query("INSERT INTO report_versions (report_id, version, data, submitted_by, submitted_at) VALUES (1, 1, '{}', 'S001', 1)");
    await expect(worker.query("UPDATE order_events SET note = 'changed'")).rejects.toThrow(/append-only/);
    await expect(worker.query("DELETE FROM order_events")).rejects.toThrow(/append-only/);
    await expect(worker.query("UPDATE report_versions SET data = '{\"x\":1}'")).rejects.toThrow(/append-only/);
    await expect(worker.query("DELETE FROM report_versions")).rejects.toThrow(/append-only/);
    expect(await worker.query("SELECT note FROM order_events")).toEqual([{ note: "x" }]);
  });
});
