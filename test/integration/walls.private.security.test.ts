import { request } from "node:http";
import { describe, expect, it, vi } from "vitest";
import { FakeFeishu, type DeliveredMessage } from "../support/fake-feishu.ts";
import { seedRoster } from "../support/roster.ts";
import { messageEvent, TestWorker } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";

/**
 * Issue #22, the walls between offices: files and private answers asked in a group go to the asker only,
 * a group message is a command only when it @-mentions the bot itself, one person cannot spend the app's
 * send budget, a stranger is answered once a day, CSV cells stay cells, an oversized body is refused unread.
 */

const GROUP = "oc_group_office";
const NOTICE = "已私信发送给您。";
const inGroup = (m: DeliveredMessage) => m.chatId === GROUP || m.replyTo !== null;
const directTo = (openId: string) => (m: DeliveredMessage) => m.chatId === `oc_p2p_${openId}` && m.replyTo === null;

describe("private answers asked in a group go to the asker's direct chat", () => {

  const worker = useWorker({
    roster: true,
    setup: async () => {
      await worker.say("ou_mgr_1", '督办 SCH001 30天 ;=HYPERLINK("http://evil","x") 校门口交通安全整改');
    },
  });

  it("导出 督办单 (xlsx, the default) and 导出 … csv: the file lands in the asker's direct chat, the group hears one line", async () => {
    for (const command of ["导出 督办单", "导出 督办单 csv", "名册模板"]) {
      const since = worker.fake.messages.length;
      const { texts } = await worker.say("ou_mgr_1", command, { chatType: "group" });
      const sent = worker.fake.messages.slice(since);
      expect({ command, texts }).toEqual({ command, texts: [NOTICE] });
      expect({ command, group: sent.filter(inGroup).map((m) => m.msgType) }).toEqual({ command, group: ["text"] });
      const files = sent.filter((m) => m.msgType === "file");
      expect({ command, files: files.map((m) => m.chatId) }).toEqual({ command, files: ["oc_p2p_ou_mgr_1"] });
      expect(sent.filter(directTo("ou_mgr_1")).length).toBe(2); // the "exported n rows" line and the file
    }
  });

  it("学校 and 督办单 (a school's file, a list of orders) in a group: the content only in the direct chat", async () => {
    for (const [command, shows] of [
      ["学校 SCH001", "日照市实验小学"],
      ["督办单", "日照市实验小学"],
      ["统计", "统计"],
    ] as const) {
      const since = worker.fake.messages.length;
      const { texts } = await worker.say("ou_mgr_1", command, { chatType: "group" });
      const sent = worker.fake.messages.slice(since);
      expect({ command, texts }).toEqual({ command, texts: [NOTICE] });
      expect(sent.filter(inGroup).map((m) => FakeFeishu.textOf(m))).toEqual([NOTICE]);
      const direct = sent.filter(directTo("ou_mgr_1"));
      expect(direct.map((m) => FakeFeishu.textOf(m)).join("\n")).toContain(shows);
    }
  });

  it("a CSV cell with ';' stays one cell and its formula stays text", async () => {
    await worker.say("ou_mgr_1", "导出 督办单 csv");
    const message = worker.fake.messages.filter((m) => m.msgType === "file").at(-1)!;
    const csv = new TextDecoder().decode(worker.fake.uploadOf(message)!.bytes);
    expect(csv).toContain(`"';=HYPERLINK(""http://evil"",""x"") 校门口交通安全整改"`);
  });
});

describe("in a group only a mention of the bot itself is a command", () => {
  let counter = 0;

  const worker = useWorker({ roster: true });

  async function groupMessage(openId: string, text: string, mentioned: string[]) {
    const messageId = `om_walls_${++counter}`;
    const event = messageEvent({
      eventId: worker.nextEventId(),
      messageId,
      openId,
      chatType: "group",
      messageType: "text",
      content: { text: `${mentioned.map((_, i) => `@_user_${i + 1}`).join(" ")} ${text}` },
      mentions: mentioned.map((id, i) => ({ key: `@_user_${i + 1}`, id: { open_id: id, union_id: `on_${id}` }, name: `name ${i + 1}` })),
    });
    const since = worker.fake.messages.length;
    expect((await worker.post("/feishu/events", event)).status).toBe(200);
    await worker.settle();
    return worker.fake.messages.slice(since);
  }

  it("a message that @-mentions someone else is not a command: nothing is sent, nothing stored", async () => {
    const before = { ...(await worker.snapshot()), sends: worker.fake.messages.length };
    for (const text of ["督办单", "帮助", "导出 督办单", "学校 SCH001"]) expect(await groupMessage("ou_mgr_1", text, ["ou_sup_2"])).toEqual([]);
    expect({ ...(await worker.snapshot()), sends: worker.fake.messages.length }).toEqual(before);
  });

  it("a mention of the bot (alone or with others) is answered; the bot asked Feishu who it is once", async () => {
    const help = await groupMessage("ou_sup_1", "帮助", [worker.fake.botOpenId]);
    expect(help).toHaveLength(1);
    expect(help[0]!.chatId).toBe(GROUP);
    const both = await groupMessage("ou_sup_1", "我是谁", ["ou_sup_2", worker.fake.botOpenId]);
    expect(FakeFeishu.textOf(both[0]!)).toContain("王建国");
    expect(worker.fake.calls.filter((c) => c.path === "/open-apis/bot/v3/info").length).toBe(1);
  });

  it("when Feishu cannot say who the bot is, groups are not served (fail closed); direct chats still are", async () => {
    const fresh = (await TestWorker.start()).expectErrors(/"outcome":"bot_identity_unknown"/);
    try {
      await seedRoster(fresh);
      fresh.fake.botEnabled = false;
      const since = fresh.fake.messages.length;
      const event = messageEvent({
        eventId: fresh.nextEventId(),
        messageId: "om_walls_unknown_bot",
        openId: "ou_mgr_1",
        chatType: "group",
        messageType: "text",
        content: { text: "@_user_1 帮助" },
        mentions: [{ key: "@_user_1", id: { open_id: fresh.fake.botOpenId }, name: "督学助手" }],
      });
      expect((await fresh.post("/feishu/events", event)).status).toBe(200);
      await fresh.settle();
      expect(fresh.fake.messages.slice(since)).toEqual([]);
      expect((await fresh.say("ou_mgr_1", "帮助")).replies).toHaveLength(1);
    } finally {
      await fresh.stop();
    }
  });
});

describe("per-person limit and strangers", () => {

  // the production default (20 a minute), not the test harness's
  const worker = useWorker({ roster: true, vars: { COMMANDS_PER_MINUTE: "" } });

  it("the 21st message in a minute is told to wait, the 22nd is not answered; others are not held up", async () => {
    for (let i = 1; i <= 20; i++) {
      const { texts } = await worker.say("ou_sup_1", "我是谁");
      expect({ i, texts: texts.map((t) => t.includes("王建国")) }).toEqual({ i, texts: [true] });
    }
    const twentyFirst = await worker.say("ou_sup_1", "我是谁");
    expect(twentyFirst.texts).toEqual(["您发得太快了（每分钟最多 20 条），请一分钟后再试。这一分钟内的其余消息不再回复。"]);
    const twentySecond = await worker.say("ou_sup_1", "我是谁", { chatType: "group" });
    expect(twentySecond.replies).toEqual([]);
    expect((await worker.say("ou_sup_2", "我是谁")).texts).toHaveLength(1);
  });

  it("a stranger is answered once a day, in their own direct chat, with their open_id", async () => {
    const first = await worker.say("ou_stranger_1", "帮助");
    expect(first.texts).toHaveLength(1);
    expect(first.texts[0]).toContain("还不在督学助手的名册中");
    expect(first.texts[0]).toContain("ou_stranger_1");
    expect(first.texts[0]).toContain("ADMIN_OPEN_IDS");
    expect((await worker.say("ou_stranger_1", "帮助")).replies).toEqual([]);
    expect((await worker.say("ou_stranger_1", "我是谁", { chatType: "group" })).replies).toEqual([]);

    // asked in a group first: the group hears nothing, the answer (with the id) goes to the stranger alone
    const since = worker.fake.messages.length;
    await worker.say("ou_stranger_2", "帮助", { chatType: "group" });
    const sent = worker.fake.messages.slice(since);
    expect(sent.filter(inGroup)).toEqual([]);
    expect(sent.map((m) => [m.receiveId, FakeFeishu.textOf(m).includes("ou_stranger_2")])).toEqual([["ou_stranger_2", true]]);
  });
});

describe("a body declared over the cap", () => {

  const worker = useWorker({ directSocket: true });

  it("is refused with 413 without being read (the log line says so)", async () => {
    // The whole body is sent: whether workerd answers before a half-sent body arrives is the runtime's
    // business (it did only some of the time); what is ours is that the Worker refuses on the header alone.
    const url = await worker.directUrl("/feishu/events");
    const answer = await new Promise<{ status: number }>((resolve, reject) => {
      let answered = false;
      const req = request(url, { method: "POST", headers: { "content-type": "application/json", "content-length": String(2 * 1024 * 1024) } }, (res) => {
        answered = true;
        resolve({ status: res.statusCode ?? 0 });
        res.resume();
      });
      // Once answered, the server may close before the rest of the body is written (EPIPE): that changes nothing.
      req.on("error", (error) => (answered ? undefined : reject(error)));
      req.end("x".repeat(2 * 1024 * 1024));
    });
    expect(answer.status).toBe(413);
    await vi.waitFor(() => expect(worker.logs.some((line) => line.status === 413 && String(line.reason).includes("declared over 1 MiB, not read"))).toBe(true));
    expect(await worker.count("outbox")).toBe(0);
  });
});
