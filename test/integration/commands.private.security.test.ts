import { describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";

/** Private answers stay private: asked in a group, what names schedules, orders or delivery state goes by direct message. */
describe("private answers asked in a group", () => {
  let orderNumber: string;

  const worker = useWorker({
    roster: true,
    setup: async () => {
      await worker.say("ou_mgr_1", "督办 SCH001 30天 校门口交通安全整改");
      const [row] = await worker.query<{ number: string }>("SELECT number FROM orders LIMIT 1");
      orderNumber = row!.number;
    },
  });

  const directTo = (openId: string, since: number) => worker.fake.messages.slice(since).filter((m) => m.chatId === `oc_p2p_${openId}`);

  it("查看, 督办 <编号>, 督办单, 排班, 本周 <督学>, 发送状态 answer the asker directly; the group gets one short line", async () => {
    for (const command of [`查看 ${orderNumber}`, `督办 ${orderNumber}`, "督办单", "排班", "本周 S001", "发送状态", "请假 2099-01-01 2099-01-02"]) {
      const since = worker.fake.messages.length;
      const { replies, texts } = await worker.say("ou_mgr_1", command, { chatType: "group" });
      expect({ command, texts }).toEqual({ command, texts: ["已私信发送给您。"] });
      expect(replies[0]!.msgType).toBe("text");
      const direct = directTo("ou_mgr_1", since);
      expect({ command, direct: direct.length > 0 }).toEqual({ command, direct: true });
      // Nothing else landed in the group.
      expect(worker.fake.messages.slice(since).filter((m) => m.chatId === "oc_group_office" || m.replyTo)).toHaveLength(1);
    }
    const since = worker.fake.messages.length;
    await worker.say("ou_mgr_1", `查看 ${orderNumber}`, { chatType: "group" });
    expect(FakeFeishu.textOf(directTo("ou_mgr_1", since)[0]!)).toContain("校门口交通安全整改");
  });

  it("a supervisor's own week goes to their direct chat too", async () => {
    const since = worker.fake.messages.length;
    const { texts } = await worker.say("ou_sup_1", "本周", { chatType: "group" });
    expect(texts).toEqual(["已私信发送给您。"]);
    expect(directTo("ou_sup_1", since).length).toBeGreaterThan(0);
  });

  it("help and whoami still answer in place, and a direct chat is answered as before", async () => {
    const help = await worker.say("ou_mgr_1", "帮助", { chatType: "group" });
    expect(help.replies.length).toBe(1);
    expect(help.texts[0]).not.toBe("已私信发送给您。");
    const whoami = await worker.say("ou_sup_1", "我是谁", { chatType: "group" });
    expect(whoami.texts.join("\n")).toContain("王建国");
    const p2p = await worker.say("ou_mgr_1", `查看 ${orderNumber}`);
    expect(p2p.texts.join("\n")).toContain("校门口交通安全整改");
  });

  it("user text echoed into a text answer cannot @all, and a hostile roster name stays inert in the help card", async () => {
    const { texts } = await worker.say("ou_sup_1", '补报 <at user_id="all"></at>', { chatType: "group" });
    expect(texts).toHaveLength(1);
    expect(texts[0]).not.toMatch(/<\s*at\b/i);
    const shown = await worker.say("ou_sup_1", "查看 [x](http://evil)", { chatType: "group" });
    expect(JSON.stringify(worker.fake.messages.slice(-2).map((m) => m.content))).not.toMatch(/\]\(http/);
    expect(shown.texts).toEqual(["已私信发送给您。"]);

    await worker.query("UPDATE people SET name = ? WHERE code = 'S002'", '<at user_id="all"></at>**boom**\n# big');
    const help = await worker.say("ou_sup_2", "帮助", { chatType: "group" });
    const content = JSON.stringify(help.replies[0]!.content);
    expect(content).not.toContain("<at");
    expect(content).not.toContain("**boom");
    expect(content).not.toContain("\\n# big");
  });
});
