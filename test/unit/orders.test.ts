import { describe, expect, it } from "vitest";
import {
  checkDueDate,
  countOrders,
  daysOverdue,
  formatOrderNumber,
  isEscalation,
  looksLikeOrderNumber,
  needsReminder,
  normalizeOrderNumber,
  parseFilter,
  resolvePrefixes,
  splitNumber,
  transition,
} from "../../src/domain/orders.ts";
import { cardBytes } from "../../src/feishu/cards/digest-card.ts";
import { orderCard } from "../../src/feishu/cards/order-card.ts";
import { ordersListCard } from "../../src/feishu/cards/order-list.ts";
import { messages } from "../../src/i18n/index.ts";

describe("order numbers", () => {
  it("formats and normalises what users type", () => {
    expect(formatOrderNumber("日照督办", 2026, 12)).toBe("日照督办〔2026〕12号");
    expect(normalizeOrderNumber("督办[2026]3号")).toBe("督办〔2026〕3号");
    expect(normalizeOrderNumber("督办（2026） 3号")).toBe("督办〔2026〕3号");
    expect(looksLikeOrderNumber("督办〔2026〕3号")).toBe(true);
    expect(looksLikeOrderNumber("SCH001,SCH002")).toBe(false);
    expect(splitNumber(["督办", "〔2026〕", "3号", "复查合格"])).toEqual({ number: "督办〔2026〕3号", rest: ["复查合格"] });
    expect(splitNumber(["督办〔2026〕3", "ok"])).toEqual({ number: "督办〔2026〕3号", rest: ["ok"] });
    expect(splitNumber(["SCH001"])).toBeNull();
  });

  it("prefixes: the setting overrides defaults, junk is ignored", () => {
    expect(resolvePrefixes(null).order).toBe("督办");
    const p = resolvePrefixes({ order: "日照督办", notice: 5, bulletin: "" });
    expect(p).toMatchObject({ order: "日照督办", notice: "督导通知", bulletin: "督导通报", rectification: "整改" });
    expect(resolvePrefixes("nonsense").order).toBe("督办");
  });
});

describe("lifecycle", () => {
  it("recipients acknowledge and report; managers close, reopen, extend, cancel", () => {
    expect(transition("acknowledge", "issued", "recipient", "order")).toEqual({ ok: true, to: "acknowledged" });
    expect(transition("acknowledge", "issued", "manager", "order")).toEqual({ ok: false, reason: "forbidden" });
    expect(transition("acknowledge", "acknowledged", "recipient", "order")).toEqual({ ok: false, reason: "already_acknowledged" });
    expect(transition("report", "issued", "recipient", "order")).toEqual({ ok: true, to: "reported" });
    expect(transition("report", "reported", "recipient", "order")).toEqual({ ok: false, reason: "already_reported" });
    expect(transition("close", "reported", "manager", "order")).toEqual({ ok: true, to: "closed" });
    expect(transition("close", "acknowledged", "manager", "order")).toEqual({ ok: false, reason: "not_reported" });
    expect(transition("close", "issued", "manager", "notice")).toEqual({ ok: true, to: "closed" });
    expect(transition("close", "closed", "manager", "order")).toEqual({ ok: false, reason: "is_closed" });
    expect(transition("close", "reported", "recipient", "order")).toEqual({ ok: false, reason: "forbidden" });
    expect(transition("reopen", "reported", "manager", "order")).toEqual({ ok: true, to: "acknowledged" });
    expect(transition("reopen", "closed", "manager", "order")).toEqual({ ok: true, to: "acknowledged" });
    expect(transition("reopen", "issued", "manager", "order")).toEqual({ ok: false, reason: "not_reported" });
    expect(transition("extend", "cancelled", "manager", "order")).toEqual({ ok: false, reason: "is_cancelled" });
    expect(transition("extend", "reported", "manager", "order")).toEqual({ ok: true, to: "reported" });
    expect(transition("cancel", "closed", "manager", "order")).toEqual({ ok: false, reason: "is_closed" });
    expect(transition("request_extension", "acknowledged", "other", "order")).toEqual({ ok: false, reason: "forbidden" });
  });
});

describe("deadlines", () => {
  const open = (dueDate: string, remindedForDue: string | null = null) => ({ status: "acknowledged" as const, dueDate, remindedForDue });

  it("due dates: not past, not absurdly far", () => {
    expect(checkDueDate("2026-12-01", "2026-12-01")).toEqual({ ok: true, due: "2026-12-01" });
    expect(checkDueDate("2026-11-30", "2026-12-01")).toEqual({ ok: false, reason: "past" });
    expect(checkDueDate(null, "2026-12-01")).toEqual({ ok: false, reason: "invalid" });
    expect(checkDueDate("2030-01-01", "2026-12-01")).toEqual({ ok: false, reason: "too_far" });
  });

  it("reminders within 3 days, once per due date", () => {
    expect(needsReminder(open("2026-12-04"), "2026-12-01")).toBe(true);
    expect(needsReminder(open("2026-12-05"), "2026-12-01")).toBe(false);
    expect(needsReminder(open("2026-12-04", "2026-12-04"), "2026-12-01")).toBe(false);
    expect(needsReminder(open("2026-12-04", "2026-11-20"), "2026-12-02")).toBe(true);
    expect(needsReminder({ ...open("2026-12-04"), status: "closed" }, "2026-12-01")).toBe(false);
    expect(needsReminder(open("2026-11-30"), "2026-12-01")).toBe(false);
  });

  it("overdue and escalation (more than 14 days)", () => {
    expect(daysOverdue(open("2026-12-01"), "2026-12-01")).toBe(0);
    expect(daysOverdue(open("2026-12-01"), "2026-12-02")).toBe(1);
    expect(isEscalation(open("2026-12-01"), "2026-12-15")).toBe(false);
    expect(isEscalation(open("2026-12-01"), "2026-12-16")).toBe(true);
    expect(daysOverdue({ status: "closed", dueDate: "2026-11-01" }, "2026-12-16")).toBe(0);
    const counts = countOrders(
      [open("2026-11-01"), open("2026-12-10"), { status: "closed", dueDate: "2026-11-01" }, { status: "cancelled", dueDate: "2026-11-01" }, open("2026-11-30")],
      "2026-12-01",
    );
    expect(counts).toEqual({ total: 5, open: 3, overdue: 2, escalation: 1, closed: 1, cancelled: 1 });
  });

  it("list filters in both languages", () => {
    expect(parseFilter("逾期")).toBe("overdue");
    expect(parseFilter("ALL")).toBe("all");
    expect(parseFilter("已销号")).toBe("closed");
    expect(parseFilter("Z01")).toBeNull();
  });
});

describe("the orders list card", () => {
  it("shows a scope's name as typed in the plain-text title, and escaped in the markdown lines", () => {
    const list = {
      counts: countOrders([], "2026-03-09"),
      rows: [{ number: "督办〔2026〕1号", kind: "order" as const, schoolCode: "SCH_1", schoolName: "第*一*小学", dueDate: "2026-03-20", status: "issued" as const }],
      matching: 1,
    };
    const built = ordersListCard(messages("zh"), list, "open", { kind: "zone", code: "Z_01", name: "东港_一区" }, 0, "2026-03-09");
    expect(built.header!.title.content).toContain("东港_一区（Z_01）");
    expect(JSON.stringify(built.body)).toContain("第&#42;一&#42;小学");
  });
});

describe("the order card with its history", () => {
  it("stays under Feishu's 30 KB however long the trail, keeping the latest entries", () => {
    const t = messages("zh");
    const view = {
      number: "督办〔2026〕1号",
      kind: "order" as const,
      schoolCode: "SCH001",
      schoolName: "日照市实验小学",
      text: "整".repeat(2000),
      dueDate: "2026-03-20",
      status: "reported" as const,
      issuedByName: "王主任",
      issuedAt: Date.parse("2026-03-01T02:00:00Z"),
    };
    // 20 rounds of a full-length report and a full-length reason for sending it back
    const history = [{ at: view.issuedAt, actorName: "王主任", action: "issued", note: null }];
    for (let round = 1; round <= 20; round++) {
      history.push({ at: view.issuedAt + round * 2, actorName: "赵老师", action: "reported", note: `第${round}次报告${"报".repeat(2990)}` } as never);
      history.push({ at: view.issuedAt + round * 2 + 1, actorName: "王主任", action: "sent_back", note: `第${round}次退回${"退".repeat(1990)}` } as never);
    }
    const built = orderCard(t, view, { today: "2026-03-09", timeZone: "Asia/Shanghai", actions: true, history });
    expect(cardBytes(built)).toBeLessThan(30 * 1024);
    const text = JSON.stringify(built);
    expect(text).toContain("第20次退回");
    expect(text).toContain("整".repeat(2000));
  });
});
