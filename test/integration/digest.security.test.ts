import { describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";
import { expectRefusedClick } from "../support/refusal.ts";

/** `周报` / `digest`: managers only, direct chats only, clear answers to bad input; nothing written, nothing to the group. */

const GROUP = "oc_office_group";

const worker = useWorker({
  roster: true,
  setup: async () => {
    const now = Date.parse("2026-03-01T00:00:00Z");
    await worker.query(
      "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES ('2026-W10', 'S001', 'SCH001', 'routine', 'missed', ?, ?)",
      now,
      now,
    );
  },
});

async function quiet<T>(run: () => Promise<T>): Promise<T> {
  const before = worker.fake.messages.length;
  const digests = await worker.count("digests");
  const result = await run();
  expect(worker.fake.messages.slice(before).filter((m) => m.receiveId === GROUP)).toEqual([]);
  expect(await worker.count("digests")).toBe(digests);
  return result;
}

describe("digest command", () => {
  it("refuses supervisors and school contacts, showing no numbers", async () => {
    for (const openId of ["ou_sup_1", "ou_contact_1"]) {
      const { texts } = await quiet(() => worker.say(openId, "周报 2026-W10"));
      expect(texts).toHaveLength(1);
      expect(texts[0]).toContain("只有管理员可以使用「周报」");
      expect(texts[0]).not.toContain("计划");
    }
  });

  it("a stranger gets the not-registered answer", async () => {
    const { texts } = await quiet(() => worker.say("ou_stranger", "digest 2026-W10"));
    expect(texts[0]).toContain("还不在督学助手的名册中");
  });

  it("asked in a group, the digest goes to the manager's direct chat and the group only hears that it did", async () => {
    // Was: the group was told to ask in a direct chat. Private commands now answer by direct message (issue #14).
    const direct = () => worker.fake.messages.filter((m) => m.chatId === "oc_p2p_ou_mgr_1" && m.msgType === "interactive").length;
    const directBefore = direct();
    const { replies, texts } = await quiet(() => worker.say("ou_mgr_1", "周报 2026-W10", { chatType: "group" }));
    expect(replies).toHaveLength(1);
    expect(texts[0]).toBe("已私信发送给您。");
    expect(replies[0]!.msgType).toBe("text");
    expect(direct()).toBe(directBefore + 1);
  });

  it("answers bad input clearly", async () => {
    const cases: [string, string][] = [
      ["周报 本周", "还没有结束"],
      ["周报 下周", "还没有结束"],
      ["周报 2026-W10 Z99", "没有编号为「Z99」的责任区"],
      // The echoed `<b>` is neutralised since issue #14: in a text message it would turn bold.
      ["周报 2026-W10 <b>!", "无法识别「＜b>!」"],
      ["周报 2026-W10 Z01 Z02", "无法识别「Z02」"],
      [`周报 ${"x".repeat(3000)}`, "无法识别"],
    ];
    for (const [text, expected] of cases) {
      const { texts, response } = await quiet(() => worker.say("ou_mgr_1", text));
      expect(response.status).toBe(200);
      expect(texts).toHaveLength(1);
      expect(texts[0]).toContain(expected);
    }
  });

  it("the bootstrap admin may read the digest in a direct chat", async () => {
    const { texts } = await quiet(() => worker.say("ou_bootstrap_admin", "digest 2026-W10"));
    expect(texts[0]).toContain("计划 1 次 · 已报告 0 次（完成率 0%）· 未完成 1 次 · 顺延 0 次");
  });

  describe("zone detail button", () => {
    const value = { action: "digest_zone", week: "2026-W10", zone: "Z01" };

    it("sends a manager the zone's digest in a direct chat, not to the group", async () => {
      const before = worker.fake.messages.length;
      const { status, answer } = await worker.click("ou_mgr_1", value);
      expect(status).toBe(200);
      expect(answer.toast).toEqual({ type: "success", content: "已私信发送该责任区的周报。" });
      const sent = worker.fake.messages.slice(before);
      expect(sent.map((m) => m.receiveId)).toEqual(["ou_mgr_1"]);
      expect(FakeFeishu.textOf(sent[0]!)).toContain("市第一责任区 · 督导周报 · 2026-W10");
    });

    it("refuses supervisors, strangers and malformed values, sending nothing", async () => {
      const cases: [string, Record<string, unknown>, string][] = [
        ["ou_sup_1", value, "只有管理员可以查看责任区周报。"],
        ["ou_stranger", value, "还不在督学助手的名册中"],
        ["ou_mgr_1", { ...value, week: "2026-W99" }, "这张卡片已失效"],
        ["ou_mgr_1", { ...value, week: "2099-W01" }, "这张卡片已失效"],
        ["ou_mgr_1", { ...value, zone: "<x>" }, "这张卡片已失效"],
        ["ou_mgr_1", { ...value, zone: "Z99" }, "没有编号为「Z99」的责任区"],
      ];
      for (const [openId, v, expected] of cases) {
        const before = worker.fake.messages.length;
        await expectRefusedClick(worker, openId, v, expected, { unchanged: true });
        expect(worker.fake.messages.length).toBe(before);
      }
    });
  });
});
