import { describe, expect, it } from "vitest";
import { ADMIN_OPEN_ID } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";

describe("chat commands: help, whoami and the router", () => {
  const worker = useWorker({ roster: true });

  it("answers help in the direct chat with the commands the sender's role may use", async () => {
    const supervisor = await worker.say("ou_sup_1", "帮助");
    expect(supervisor.replies).toHaveLength(1);
    // to the person by open_id, in their direct chat
    expect(supervisor.replies[0]).toMatchObject({ receiveIdType: "open_id", receiveId: "ou_sup_1", chatId: "oc_p2p_ou_sup_1" });
    expect(supervisor.texts[0]).toContain("王建国（责任督学）");
    expect(supervisor.texts[0]).toContain("`我是谁` / `whoami`");
    expect(supervisor.texts[0]).not.toContain("zones.csv");
    const manager = await worker.say("ou_mgr_1", "/help");
    expect(manager.texts[0]).toContain("刘主任（管理员）");
    expect(manager.texts[0]).toContain("zones.csv");
    expect(manager.texts[0]!.length).toBeGreaterThanOrEqual(supervisor.texts[0]!.length);
  });

  it("tells who I am: name, role, zone and schools", async () => {
    const { texts } = await worker.say("ou_sup_1", "我是谁");
    expect(texts[0]).toContain("王建国（S001）");
    expect(texts[0]).toContain("市第一责任区（Z01，市级）");
    expect(texts[0]).toContain("日照市实验小学（SCH001）");
    expect(texts[0]).toContain("日照市第一中学（SCH002）");
    const contact = await worker.say("ou_contact_1", "whoami");
    expect(contact.texts[0]).toContain("学校联系人");
    expect(contact.texts[0]).toContain("日照市实验小学");
  });

  it("tolerates full-width characters, spaces and a leading slash", async () => {
    const { texts } = await worker.say("ou_sup_2", "　／ＷＨＯＡＭＩ　");
    expect(texts[0]).toContain("李秀英（S002）");
  });

  it("replies in a group through the reply API when @-mentioned", async () => {
    const { replies, messageId } = await worker.say("ou_mgr_1", "whoami", { chatType: "group" });
    expect(replies).toHaveLength(1);
    expect(replies[0]!.operation).toBe("reply");
    expect(replies[0]!.replyTo).toBe(messageId);
  });

  it("suggests the closest command for a typo", async () => {
    const { texts } = await worker.say("ou_sup_1", "hepl");
    expect(texts).toEqual(["没有找到命令「hepl」。您是不是想用「help」？发送「帮助」查看全部命令。"]);
  });

  it("answers a stranger politely that they are not registered, and does nothing else", async () => {
    const before = await worker.snapshot();
    const { texts } = await worker.say("ou_stranger", "whoami");
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("还不在督学助手的名册中");
    const after = await worker.snapshot();
    expect({ ...after, outbox: 0, processed_events: 0 }).toEqual({ ...before, outbox: 0, processed_events: 0 });
  });

  it("serves a bootstrap admin from ADMIN_OPEN_IDS before any roster exists", async () => {
    const { texts } = await worker.say(ADMIN_OPEN_ID, "whoami");
    expect(texts[0]).toContain("ADMIN_OPEN_IDS");
  });

  it("answers health checks with the version after checking D1", async () => {
    const response = await worker.fetch("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, version: expect.any(String) });
  });

  it("writes one JSON log line per request with its outcome", async () => {
    await worker.say("ou_sup_1", "help");
    const requestLine = worker.logs.findLast((line) => line.route === "/feishu/events");
    expect(requestLine).toMatchObject({ status: 200, outcome: "accepted", ref: expect.any(String), ms: expect.any(Number) });
    const eventLine = worker.logs.findLast((line) => line.route === "event");
    expect(eventLine).toMatchObject({ outcome: "help", event_id: expect.any(String) });
    const deliveryLine = worker.logs.findLast((line) => line.route === "delivery");
    expect(deliveryLine).toMatchObject({ outcome: "sent" });
    expect(JSON.stringify(worker.logs)).not.toContain("13800000001");
  });
});

describe("outbound: the SDK client against the fake Open Platform", () => {
  const worker = useWorker({ roster: true, expectErrors: [/99991663/] });

  it("fetches one tenant token, shares it through D1, and refreshes it once when Feishu says it expired", async () => {
    await worker.say("ou_sup_1", "help");
    await worker.say("ou_sup_2", "help");
    const tokenCalls = () => worker.fake.calls.filter((c) => c.path === "/open-apis/auth/v3/tenant_access_token/internal").length;
    expect(tokenCalls()).toBe(1);
    expect(await worker.count("cache_entries", "key LIKE '%tenant-access-token%'")).toBe(1);
    worker.fake.expireTokens();
    const { texts } = await worker.say("ou_sup_3", "help");
    expect(texts).toHaveLength(1);
    expect(tokenCalls()).toBe(2);
  });

  it("sends every message with a uuid derived from what it answers", async () => {
    await worker.say("ou_sup_1", "whoami");
    const last = worker.fake.messages.at(-1)!;
    expect(last.uuid).toMatch(/^[0-9a-f]{32}$/);
    const [row] = await worker.query<{ ref: string; state: string; message_id: string }>("SELECT ref, state, message_id FROM outbox WHERE uuid = ?", last.uuid);
    expect(row).toMatchObject({ state: "sent", message_id: last.messageId });
    expect(row!.ref).toMatch(/^reply:om_in_/);
  });
});

describe("an error a user hits", () => {
  const worker = useWorker({ roster: true, expectErrors: [/"route":"event".*Failed query/] });

  it("answers with a reference that finds the error in the logs, without a stack trace", async () => {
    // Break the database under the bot: whoami reads zones.
    await worker.query("ALTER TABLE zones RENAME TO zones_gone");
    const { texts } = await worker.say("ou_sup_1", "whoami");
    expect(texts).toHaveLength(1);
    const ref = /编号 ([0-9a-f]{12})/.exec(texts[0]!)?.[1];
    expect(ref).toBeDefined();
    expect(texts[0]).not.toMatch(/at |Error|D1_|SQL/);
    const errorLine = worker.logs.find((line) => line.ref === ref && line.level === "error");
    expect(errorLine).toMatchObject({ route: "event", outcome: "error", error: expect.stringContaining("zones") });
    await worker.query("ALTER TABLE zones_gone RENAME TO zones");
  });
});
