import { beforeEach, describe, expect, it } from "vitest";
import { feishuRequest } from "../support/feishu-signing.ts";
import { ENCRYPT_KEY, messageEvent, VERIFICATION_TOKEN } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";

/** Every refusal: 4xx (or an ignored 200), no write, no outbound call. */
describe("ingress security", () => {
  let before: Record<string, number>;

  const helpEvent = (overrides: { eventId?: string; messageId?: string; token?: string } = {}) =>
    messageEvent({
      eventId: overrides.eventId ?? worker.nextEventId(),
      messageId: overrides.messageId ?? `om_${worker.nextEventId()}`,
      openId: "ou_sup_1",
      chatType: "p2p",
      messageType: "text",
      content: { text: "help" },
      token: overrides.token,
    });

  const worker = useWorker({ roster: true });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
    before = await worker.snapshot();
  });

  async function expectNothingHappened() {
    await worker.settle();
    expect(await worker.snapshot()).toEqual(before);
    expect(worker.fake.calls).toEqual([]);
  }

  it("a correctly signed event is accepted and answered (the baseline the refusals differ from)", async () => {
    const { response, texts } = await worker.say("ou_sup_1", "help");
    expect(response.status).toBe(200);
    expect(texts.join("\n")).toContain("帮助");
  });

  it("refuses a forged signature", async () => {
    const response = await worker.post("/feishu/events", helpEvent(), { signature: "0".repeat(64) });
    expect(response.status).toBe(401);
    await expectNothingHappened();
  });

  it("refuses a body signed with another key", async () => {
    const { body, headers } = feishuRequest(helpEvent(), { encryptKey: "someone-elses-key" });
    const response = await worker.fetch("/feishu/events", { method: "POST", body, headers });
    expect(response.status).toBe(401);
    await expectNothingHappened();
  });

  it("refuses a stale timestamp even with a valid signature", async () => {
    const response = await worker.post("/feishu/events", helpEvent(), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(response.status).toBe(401);
    await expectNothingHappened();
  });

  it("refuses an unsigned event", async () => {
    const response = await worker.post("/feishu/events", helpEvent(), { unsigned: true });
    expect(response.status).toBe(401);
    await expectNothingHappened();
  });

  it("refuses a wrong verification token inside a valid signature", async () => {
    const response = await worker.post("/feishu/events", helpEvent({ token: "wrong-token" }));
    expect(response.status).toBe(401);
    await expectNothingHappened();
  });

  it("refuses a tampered ciphertext", async () => {
    const { body } = feishuRequest(helpEvent(), { encryptKey: ENCRYPT_KEY });
    const sealed = Buffer.from(JSON.parse(body).encrypt, "base64");
    sealed[20] = sealed[20]! ^ 0x55;
    const tampered = JSON.stringify({ encrypt: sealed.toString("base64") });
    // Re-signed, so only the ciphertext is wrong.
    const { createHash } = await import("node:crypto");
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHash("sha256").update(timestamp + "n1" + ENCRYPT_KEY + tampered).digest("hex");
    const response = await worker.fetch("/feishu/events", {
      method: "POST",
      body: tampered,
      headers: { "content-type": "application/json", "x-lark-request-timestamp": timestamp, "x-lark-request-nonce": "n1", "x-lark-signature": signature },
    });
    // the README's promise: every authentication failure, a ciphertext that does not decrypt included, is one identical 401
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "unauthorized" });
    await expectNothingHappened();
  });

  it("answers a redelivered event (same event_id) only once", async () => {
    const event = helpEvent();
    expect((await worker.post("/feishu/events", event)).status).toBe(200);
    await worker.settle();
    expect(worker.fake.messages).toHaveLength(1);
    worker.fake.reset();
    before = await worker.snapshot();
    expect((await worker.post("/feishu/events", event)).status).toBe(200);
    await expectNothingHappened();
  });

  it("answers a message redelivered under a new event_id only once", async () => {
    const messageId = `om_${worker.nextEventId()}`;
    expect((await worker.post("/feishu/events", helpEvent({ messageId }))).status).toBe(200);
    await worker.settle();
    expect(worker.fake.messages).toHaveLength(1);
    worker.fake.reset();
    const outboxBefore = await worker.count("outbox");
    expect((await worker.post("/feishu/events", helpEvent({ messageId }))).status).toBe(200);
    await worker.settle();
    expect(await worker.count("outbox")).toBe(outboxBefore);
    expect(worker.fake.calls).toEqual([]);
  });

  it("answers two simultaneous deliveries of one event once", async () => {
    const event = helpEvent();
    const responses = await Promise.all([worker.post("/feishu/events", event), worker.post("/feishu/events", event)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    await worker.settle();
    expect(worker.fake.messages).toHaveLength(1);
  });

  it("refuses a body over 1 MiB", async () => {
    const big = helpEvent();
    (big.event.message as { content: string }).content = JSON.stringify({ text: "x".repeat(1024 * 1024) });
    const response = await worker.post("/feishu/events", big);
    expect(response.status).toBe(413);
    await expectNothingHappened();
  });

  it("refuses a challenge with a wrong token, encrypted or not", async () => {
    const challenge = { challenge: "abc", token: "wrong", type: "url_verification" };
    expect((await worker.post("/feishu/events", challenge)).status).toBe(401);
    expect((await worker.post("/feishu/cards", challenge, { unsigned: true })).status).toBe(401);
    await expectNothingHappened();
  });

  it("answers the encrypted challenge with the right token, signed or not", async () => {
    const challenge = { challenge: "ajls384kdjx98XX", token: VERIFICATION_TOKEN, type: "url_verification" };
    for (const path of ["/feishu/events", "/feishu/cards"] as const) {
      const signed = await worker.post(path, challenge);
      expect(await signed.json()).toEqual({ challenge: "ajls384kdjx98XX" });
      const unsigned = await worker.post(path, challenge, { unsigned: true });
      expect(await unsigned.json()).toEqual({ challenge: "ajls384kdjx98XX" });
    }
    await expectNothingHappened();
  });

  it("answers non-JSON, a missing field and an unknown event type with a 4xx or an ignored 200, never a 500", async () => {
    const garbage = await worker.fetch("/feishu/events", { method: "POST", body: "not json", headers: { "content-type": "text/plain" } });
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect(garbage.status).toBeLessThan(500);
    const missingHeader = await worker.post("/feishu/events", { schema: "2.0", header: { token: VERIFICATION_TOKEN }, event: {} });
    expect(missingHeader.status).toBe(400);
    const unknown = helpEvent();
    unknown.header.event_type = "contact.user.created_v3";
    const ignored = await worker.post("/feishu/events", unknown);
    expect(ignored.status).toBe(200);
    const badMessage = helpEvent();
    (badMessage.event as { message: unknown }).message = { message_id: "om_x" };
    expect((await worker.post("/feishu/events", badMessage)).status).toBe(200);
    await expectNothingHappened();
  });

  it("refuses a card callback with a forged signature or wrong token", async () => {
    const click = { schema: "2.0", header: { event_id: "e1", event_type: "card.action.trigger", token: VERIFICATION_TOKEN }, event: { operator: { open_id: "ou_sup_1" }, action: { value: { action: "x" } } } };
    expect((await worker.post("/feishu/cards", click, { signature: "f".repeat(64) })).status).toBe(401);
    expect((await worker.post("/feishu/cards", { ...click, header: { ...click.header, token: "nope" } })).status).toBe(401);
    await expectNothingHappened();
  });
});

describe("ingress without an Encrypt Key", () => {
  const worker = useWorker({ roster: true, plain: true });

  it("answers the plain challenge and plain events, checking the token", async () => {
    const ok = await worker.post("/feishu/events", { challenge: "c1", token: VERIFICATION_TOKEN, type: "url_verification" });
    expect(await ok.json()).toEqual({ challenge: "c1" });
    const wrong = await worker.post("/feishu/events", { challenge: "c1", token: "nope", type: "url_verification" });
    expect(wrong.status).toBe(401);
    const { texts } = await worker.say("ou_sup_1", "whoami");
    expect(texts.join("\n")).toContain("王建国");
  });

  it("refuses an encrypted body it has no key for", async () => {
    const { body, headers } = feishuRequest({ challenge: "c", token: VERIFICATION_TOKEN, type: "url_verification" }, { encryptKey: "k" });
    const response = await worker.fetch("/feishu/events", { method: "POST", body, headers });
    // Without the key nobody can be authenticated from it: the same 401 as every other authentication failure.
    expect(response.status).toBe(401);
  });
});
