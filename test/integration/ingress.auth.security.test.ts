import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { feishuRequest } from "../support/feishu-signing.ts";
import { cardActionEvent, ENCRYPT_KEY, messageEvent, TestWorker, VERIFICATION_TOKEN } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";

/** Authenticated by default: one answer for every authentication failure, no token-only mode unless asked for, no secrets named. */

const helpEvent = (worker: TestWorker, overrides: { token?: string } = {}) =>
  messageEvent({
    eventId: worker.nextEventId(),
    messageId: `om_${worker.nextEventId()}`,
    openId: "ou_sup_1",
    chatType: "p2p",
    messageType: "text",
    content: { text: "help" },
    token: overrides.token,
  });

describe("every authentication failure looks the same", () => {
  let before: Record<string, number>;

  const worker = useWorker({ roster: true });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
    before = await worker.snapshot();
  });

  function signed(body: string) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHash("sha256").update(timestamp + "n1" + ENCRYPT_KEY + body).digest("hex");
    return { "content-type": "application/json", "x-lark-request-timestamp": timestamp, "x-lark-request-nonce": "n1", "x-lark-signature": signature };
  }

  it("answers forged, stale, unsigned, undecryptable, non-JSON and wrong-token requests with one identical 401; the log tells them apart", async () => {
    const foreign = feishuRequest(helpEvent(worker), { encryptKey: "someone-elses-key" });
    const garbageCipher = JSON.stringify({ encrypt: Buffer.from("x".repeat(48)).toString("base64") });
    const attempts: Array<[string, () => Promise<Response>]> = [
      ["forged signature", () => worker.post("/feishu/events", helpEvent(worker), { signature: "0".repeat(64) })],
      ["other key", () => worker.fetch("/feishu/events", { method: "POST", ...foreign })],
      ["stale", () => worker.post("/feishu/events", helpEvent(worker), { timestamp: Math.floor(Date.now() / 1000) - 600 })],
      ["unsigned", () => worker.post("/feishu/events", helpEvent(worker), { unsigned: true })],
      ["wrong token", () => worker.post("/feishu/events", helpEvent(worker, { token: "wrong" }))],
      ["undecryptable", () => worker.fetch("/feishu/events", { method: "POST", body: garbageCipher, headers: signed(garbageCipher) })],
      ["signed non-JSON", () => worker.fetch("/feishu/events", { method: "POST", body: "not json", headers: signed("not json") })],
      ["unsigned non-JSON", () => worker.fetch("/feishu/cards", { method: "POST", body: "not json", headers: { "content-type": "application/json" } })],
      ["plain body", () => worker.fetch("/feishu/cards", { method: "POST", body: JSON.stringify(helpEvent(worker)), headers: signed(JSON.stringify(helpEvent(worker))) })],
    ];
    const logsBefore = worker.logs.length;
    for (const [name, attempt] of attempts) {
      const response = await attempt();
      expect({ name, status: response.status, body: await response.json() }).toEqual({ name, status: 401, body: { error: "unauthorized" } });
    }
    const reasons = new Set(worker.logs.slice(logsBefore).filter((line) => line.outcome === "rejected").map((line) => line.reason));
    expect(reasons.size).toBeGreaterThanOrEqual(5);
    await worker.settle();
    expect(await worker.snapshot()).toEqual(before);
    expect(worker.fake.calls).toEqual([]);
  });

  it("refuses an envelope for another app (header.app_id is not FEISHU_APP_ID), event or card", async () => {
    const event = helpEvent(worker);
    event.header.app_id = "cli_someone_else";
    const eventResponse = await worker.post("/feishu/events", event);
    expect(eventResponse.status).toBe(401);
    expect(await eventResponse.json()).toEqual({ error: "unauthorized" });
    const click = cardActionEvent({ openId: "ou_mgr_1", value: { action: "outbox_retry" } });
    click.header.app_id = "cli_someone_else";
    const cardResponse = await worker.post("/feishu/cards", click);
    expect(cardResponse.status).toBe(401);
    expect(worker.logs.some((line) => line.outcome === "rejected" && String(line.reason).includes("app_id"))).toBe(true);
    await worker.settle();
    expect(await worker.snapshot()).toEqual(before);
    expect(worker.fake.calls).toEqual([]);
  });
});

describe("without an Encrypt Key", () => {
  // Plain mode as an operator who forgot the key would have it: no FEISHU_ALLOW_UNENCRYPTED.
  const worker = useWorker({ roster: true, plain: true, vars: { FEISHU_ALLOW_UNENCRYPTED: "" }, expectErrors: [/"outcome":"misconfigured".*FEISHU_ENCRYPT_KEY/] });

  it("refuses token-only events and callbacks with a 503 that names no secret, logs what is missing, and does nothing", async () => {
    const before = await worker.snapshot();
    const logsBefore = worker.logs.length;
    for (const [path, payload] of [
      ["/feishu/events", helpEvent(worker)],
      ["/feishu/cards", cardActionEvent({ openId: "ou_mgr_1", value: { action: "outbox_retry" } })],
      ["/feishu/events", { challenge: "c1", token: VERIFICATION_TOKEN, type: "url_verification" }],
    ] as const) {
      const response = await worker.post(path, payload);
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(JSON.parse(text).error).toBe("misconfigured");
      expect(text).not.toMatch(/FEISHU|ENCRYPT|SECRET|TOKEN/i);
    }
    const logged = worker.logs.slice(logsBefore).filter((line) => line.outcome === "misconfigured");
    expect(logged.length).toBe(3);
    expect(String(logged[0]!.error)).toContain("FEISHU_ENCRYPT_KEY");
    await worker.settle();
    expect(await worker.snapshot()).toEqual(before);
    expect(worker.fake.calls).toEqual([]);
    expect((await worker.fetch("/healthz")).status).toBe(200);
  });
});

describe("a missing secret", () => {
  const worker = useWorker({ vars: { FEISHU_APP_SECRET: "" }, expectErrors: [/"outcome":"misconfigured".*FEISHU_APP_SECRET/] });

  it("answers 503 without saying which one; the log says", async () => {
    const logsBefore = worker.logs.length;
    const response = await worker.post("/feishu/events", helpEvent(worker));
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toMatch(/FEISHU|SECRET/i);
    const line = worker.logs.slice(logsBefore).find((entry) => entry.outcome === "misconfigured");
    expect(String(line?.error)).toContain("FEISHU_APP_SECRET");
  });
});
