import { beforeAll, describe, expect, it } from "vitest";
import { UnitOfWork, type OutboundMessage } from "../../src/delivery/outbox.ts";
import { card, markdown } from "../../src/feishu/cards/kit.ts";
import { TestClock } from "../support/test-clock.ts";
import { useWorker } from "../support/use-worker.ts";

const FAN_OUT = 349;

/**
 * A weekly fan-out of 349 cards through the real outbox path (UnitOfWork: one
 * D1 batch, then the queue), delivered by the real consumer on workerd against
 * a fake Feishu that answers 20% of sends 429, 5% 500, some only after the sender
 * gave up on them, and expires every token mid-run. Every card must arrive exactly once.
 * Delivery's pacing and its retries' waits run on the test's clock (TEST_CLOCK_DELIVERY, src/test-clock.ts), by which
 * the fake also counts Feishu's limits: the clock moves to the next send slot or retry only while all of delivery's
 * work waits on it, so the fan-out's seconds of pacing and x-ogw-ratelimit-reset waits are not lived in real time.
 */
describe("delivery under faults", () => {
  let clock: TestClock;
  beforeAll(async () => {
    clock = await new TestClock().start();
  });
  const worker = useWorker({
    setup: (started) => void started.fake.followClock(() => clock.time()),
    teardown: () => clock.stop(),
    // the injected 429s, 500s, slow answers and expired token: each a retry
    expectErrors: [/"route":"delivery","outcome":"retry"/],
    // Feishu's own limits enforced too (50 in any second, 1,000 in any minute, 5 per second to one user): the sender must keep them while it retries
    fake: { seed: 7, enforceRateLimits: true },
    // Test-only: shorter exponential backoff base (production default 2 s); Feishu's reset header still applies.
    vars: () => ({ DELIVERY_BACKOFF_BASE_MS: "250", TEST_CLOCK_URL: clock.url, TEST_CLOCK_DELIVERY: "1" }),
  });

  it("delivers all 349 cards of a fan-out exactly once despite 429s, 500s, slow answers and an expired token, within Feishu's limits", async () => {
    const fake = worker.fake;
    fake.faults = { rate429: 0.2, rate500: 0.05, slowRate: 0.02 };
    // A slow answer is held, with no clock, until the card reached its recipient by a later attempt (the sender gave
    // up on the slow one and sent again under the same uuid); then it goes on, late, and must not make a second message.
    // One held answer per recipient at a time: a second slow roll for them answers at once, so a card cannot wait on itself.
    const held = new Map<string, () => void>();
    let slowHeld = 0;
    fake.holdSlowAnswer = (recipient) => {
      if (held.has(recipient)) return Promise.resolve();
      slowHeld++;
      return new Promise<void>((resolve) => held.set(recipient, resolve));
    };
    // the fake keys a recipient by chat (a direct chat's `oc_p2p_…`), as Feishu's per-chat limit does
    const stopReleasing = fake.onMessage((message) => {
      const release = held.get(message.chatId);
      if (!release) return;
      held.delete(message.chatId);
      release();
    });
    let expiredAt = -1;
    const stopWatching = fake.onMessage(() => {
      if (expiredAt < 0 && fake.messages.length >= 120) {
        expiredAt = fake.messages.length;
        fake.expireTokens();
      }
    });

    const d1 = (await worker.d1()) as unknown as D1Database;
    const queue = worker.queue("OUTBOX");
    const uow = new UnitOfWork(d1, { OUTBOX: queue }, Date.now());
    const recipients = Array.from({ length: FAN_OUT }, (_, i) => `ou_fan_${String(i + 1).padStart(3, "0")}`);
    const outbound: OutboundMessage[] = recipients.map((openId, i) => ({
      key: `plan:2026-W48:fan-${i + 1}`,
      to: { openId },
      msgType: "interactive",
      content: card({ title: "本周督导计划", elements: [markdown(`第 ${i + 1} 张`)] }),
    }));
    uow.send(...outbound);
    await uow.commit();

    await clock.drive(worker.settle(85_000), "delivery");
    stopWatching();
    stopReleasing();
    // slow answers happened, and each ended only after its card had arrived by a later attempt
    expect(slowHeld).toBeGreaterThan(0);
    expect([...held.keys()]).toEqual([]);

    // exactly once, by uuid and by recipient
    const rows = await worker.query<{ uuid: string; state: string; message_id: string | null; receive_id: string }>(
      "SELECT uuid, state, message_id, receive_id FROM outbox WHERE ref LIKE 'plan:2026-W48:fan-%'",
    );
    expect(rows).toHaveLength(FAN_OUT);
    expect(rows.filter((row) => row.state !== "sent")).toEqual([]);
    const delivered = fake.messages.filter((m) => m.receiveId?.startsWith("ou_fan_"));
    expect(delivered).toHaveLength(FAN_OUT);
    expect(new Set(delivered.map((m) => m.uuid)).size).toBe(FAN_OUT);
    for (const openId of recipients) expect(fake.messagesTo(openId), openId).toHaveLength(1);
    // Feishu's message_id is stored on each row
    const byUuid = new Map(delivered.map((m) => [m.uuid, m.messageId]));
    for (const row of rows) expect(row.message_id).toBe(byUuid.get(row.uuid));

    // the faults really happened
    const sends = fake.calls.filter((call) => call.path === "/open-apis/im/v1/messages");
    expect(sends.filter((call) => call.status === 429).length).toBeGreaterThan(20);
    // every 429 was an injected fault: none for going over Feishu's limits, bursts and retries included
    expect(Object.fromEntries(fake.limitRefusalReasons)).toEqual({});
    expect(fake.limitRefusals).toBe(0);
    expect(sends.filter((call) => call.status === 500).length).toBeGreaterThan(3);
    expect(expiredAt).toBeGreaterThan(0);
    expect(sends.filter((call) => call.status === 400 && (call.body as { uuid?: string })?.uuid).length).toBeGreaterThan(0);
    expect(fake.calls.filter((call) => call.path.endsWith("tenant_access_token/internal")).length).toBeGreaterThan(1);
    // retried sends repeated the same uuid (Feishu's idempotency key), never a new one: every attempt carried
    // the uuid of its row, and the cards that met a fault were tried again under that uuid and then sent
    const rowUuids = new Set(rows.map((row) => row.uuid));
    const attempted = sends.map((call) => (call.body as { uuid?: string })?.uuid);
    expect(attempted.filter((uuid) => !uuid || !rowUuids.has(uuid))).toEqual([]);
    expect(new Set(attempted).size).toBe(FAN_OUT);
    const callsByUuid = new Map<string, number>();
    for (const uuid of attempted) callsByUuid.set(uuid!, (callsByUuid.get(uuid!) ?? 0) + 1);
    expect([...callsByUuid.values()].filter((n) => n > 1).length).toBeGreaterThan(20);
  }, 120_000);
});
