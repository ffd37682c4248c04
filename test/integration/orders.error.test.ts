import { beforeEach, describe, expect, it } from "vitest";
import { useWorker } from "../support/use-worker.ts";
import { shanghaiYear } from "../support/dates.ts";

const MANAGER = "ou_mgr_1";
const CONTACT = "ou_contact_1";

/** Each refusal of the "Bad input" list: a clear answer, and no stored change (no order, no number, no audit row, no card). */
describe("orders: bad input is answered and changes nothing", () => {
  let before: Record<string, number>;
  let counters: unknown[];
  // the Shanghai year (the Worker's TIMEZONE), read again in beforeAll right before the orders are issued
  let year = String(shanghaiYear());

  /** Table counts without the delivery plumbing a refusal legitimately writes (dedupe keys, the reply itself). */
  const state = async () => {
    const { processed_events: _p, outbox: _o, ...rest } = await worker.snapshot();
    return rest;
  };

  async function expectRefused(openId: string, text: string, answer: string | RegExp) {
    worker.fake.reset();
    const { texts } = await worker.say(openId, text);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(answer);
    expect(await state()).toEqual(before);
    expect(await worker.query("SELECT * FROM order_sequences ORDER BY kind")).toEqual(counters);
    // only the reply went out
    expect(worker.fake.messages.filter((m) => m.chatId !== `oc_p2p_${openId}`)).toEqual([]);
  }

  let closedNumber: string;
  let cancelledNumber: string;

  const worker = useWorker({
    roster: true,
    setup: async () => {
      year = String(shanghaiYear());
      // One order closed and one cancelled, to be refused later.
      await worker.say(MANAGER, "督办 SCH001 30天 整改一");
      await worker.say(MANAGER, "督办 SCH002 30天 整改二");
      closedNumber = `督办〔${year}〕1号`;
      cancelledNumber = `督办〔${year}〕2号`;
      await worker.click(CONTACT, { action: "order_report", number: closedNumber }, { done: "已整改", result: "done" });
      await worker.say(MANAGER, `销号 ${closedNumber}`);
      await worker.say(MANAGER, `撤销 ${cancelledNumber} 重复下发`);
    },
  });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
    before = await state();
    counters = await worker.query("SELECT * FROM order_sequences ORDER BY kind");
  });

  it("an ambiguous school lists the candidates", async () => {
    await expectRefused(MANAGER, "督办 日照市 30天 请整改", /对应多所学校.*日照市实验小学（SCH001）/s);
  });

  it("an unknown school is named", async () => {
    await expectRefused(MANAGER, "督办 SCH001、火星小学 30天 请整改", /没有找到学校「火星小学」/);
  });

  it("a due date in the past", async () => {
    await expectRefused(MANAGER, "督办 SCH001 2020-01-01 请整改", /2020-01-01 已经过去/);
  });

  it("a due date that is not a date", async () => {
    await expectRefused(MANAGER, "督办 SCH001 下个月吧 请整改", /无法识别期限「下个月吧」/);
  });

  it("text over 1,000 characters (the limit, MAX_ORDER_TEXT): 1,001 is refused", async () => {
    await expectRefused(MANAGER, `督办 SCH001 30天 ${"整".repeat(1001)}`, /1001 个字，超过了 1000 字/);
  });

  it("a non-manager issuing", async () => {
    await expectRefused("ou_sup_1", "督办 SCH001 30天 请整改", /只有管理员可以使用「督办」/);
    await expectRefused(CONTACT, "notice SCH001 30d please", /只有管理员/);
  });

  it("an unknown number", async () => {
    await expectRefused(MANAGER, `销号 督办〔${year}〕999号`, /没有找到编号为「督办〔\d{4}〕999号」/);
    await expectRefused(MANAGER, `查看 督办〔${year}〕999号`, /没有找到编号/);
  });

  it("closing a closed order", async () => {
    await expectRefused(MANAGER, `销号 ${closedNumber}`, /已经销号/);
  });

  it("extending a cancelled order", async () => {
    await expectRefused(MANAGER, `延期 ${cancelledNumber} 60天`, /已经撤销/);
  });

  it("extending to a past date, and reopening without a reason", async () => {
    await worker.say(MANAGER, "督办 SCH003 30天 整改三");
    await worker.settle();
    worker.fake.reset();
    before = await state();
    counters = await worker.query("SELECT * FROM order_sequences ORDER BY kind");
    const number = `督办〔${year}〕3号`;
    await expectRefused(MANAGER, `延期 ${number} 2020-01-01`, /已经过去/);
    await expectRefused(MANAGER, `退回 ${number}`, /用法：退回/);
    await expectRefused(MANAGER, `销号 ${number}`, /还没有提交整改报告/);
  });

  it("the issuing form refuses the same bad input with a toast", async () => {
    const submit = (formValue: Record<string, unknown>) => worker.click(MANAGER, { action: "order_issue_submit" }, formValue);
    for (const formValue of [
      { kind: "order", schools: "日照市", due: "2099-01-01 +0800", text: "x" },
      { kind: "order", schools: "SCH001", due: "2020-01-01 +0800", text: "x" },
      { kind: "order", schools: "SCH001", due: "30天", text: "整".repeat(1001) },
      { kind: "order", schools: "SCH001", due: "30天" },
      { kind: "nonsense", schools: "SCH001", due: "30天", text: "x" },
    ]) {
      const { status, answer } = await submit(formValue);
      expect(status).toBe(200);
      expect(answer.toast?.type).toBe("error");
      expect(answer.card).toBeUndefined();
    }
    expect(await state()).toEqual(before);
    expect(await worker.query("SELECT * FROM order_sequences ORDER BY kind")).toEqual(counters);
    expect(worker.fake.messages).toEqual([]);
  });

  it("a rectification report with a missing or oversized description", async () => {
    const number = `督办〔${year}〕3号`;
    for (const formValue of [{ result: "done" }, { done: "x".repeat(1001), result: "done" }, { done: "ok", result: "maybe" }]) {
      const { answer } = await worker.click("ou_sup_2", { action: "order_report", number }, formValue);
      expect(answer.toast?.type).toBe("error");
    }
    expect(await state()).toEqual(before);
  });

  it("text of exactly 1,000 characters is taken (the other side of the limit)", async () => {
    const text = "整".repeat(1000);
    const { texts } = await worker.say(MANAGER, `督办 SCH001 30天 ${text}`);
    expect(texts.join("\n")).not.toMatch(/超过了 1000 字/);
    expect(await worker.query("SELECT school_code FROM orders WHERE text = ?", text)).toEqual([{ school_code: "SCH001" }]);
  });
});
