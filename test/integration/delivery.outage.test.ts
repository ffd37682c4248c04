import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UnitOfWork, type OutboundMessage } from "../../src/delivery/outbox.ts";
import { card, markdown } from "../../src/feishu/cards/kit.ts";
import { FakeFeishu, type DeliveredMessage } from "../support/fake-feishu.ts";
import { TestClock } from "../support/test-clock.ts";
import { ADMIN_OPEN_ID, messageEvent } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Issue #23 "A bad day loses nothing" (delivery) and #28 (230013). Time that matters to delivery's
 * give-up rules passes on a fake clock: the 5-minute cron (sweeper, alerts) is run with a scheduled time
 * of our choosing, so an hour-long outage takes seconds. The consumer's own retries run on the real
 * clock, with short backoffs (DELIVERY_BACKOFF_BASE_MS).
 */
describe("delivery through an outage: nothing lost, nothing twice, admins told what died", () => {
  const fake = new FakeFeishu();

  const cardTo = (key: string, openId: string, text = "本周督导计划"): OutboundMessage => ({
    key,
    to: { openId },
    msgType: "interactive",
    content: card({ title: "督学助手", elements: [markdown(text)] }),
  });

  async function commit(messages: OutboundMessage[], nowMs = Date.now()) {
    const d1 = (await worker.d1()) as unknown as D1Database;
    const queue = worker.queue("OUTBOX");
    await new UnitOfWork(d1, { OUTBOX: queue }, nowMs).send(...messages).commit();
  }

  /** The 5-minute cron at a time of the test's choosing (the fake clock); does not wait for delivery. */
  async function sweepAt(atMs: number) {
    await worker.scheduled("*/5 * * * *", new Date(atMs));
  }

  async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const rows = (where: string, ...params: unknown[]) =>
    worker.query<{ uuid: string; ref: string; state: string; attempts: number; last_error: string | null }>(
      `SELECT uuid, ref, state, attempts, last_error FROM outbox WHERE ${where} ORDER BY id`,
      ...params,
    );
  const sendCalls = (uuid: string) => fake.calls.filter((call) => /\/open-apis\/im\/v1\/messages(\/[^/]+\/reply)?$/.test(call.path) && (call.body as { uuid?: string })?.uuid === uuid);
  const alerts = (): DeliveredMessage[] => fake.messagesTo(ADMIN_OPEN_ID);
  /** what Feishu shows: markdown entities decoded */
  const shown = (message: DeliveredMessage) =>
    FakeFeishu.textOf(message).replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

  // The real clock must stay out of the fake hour's way: backoffs from 30 s (the sweeps drive the retries), and on a
    // loaded machine the fake's 500 can take longer than the first attempt's 500 ms, which would make it a possible
    // arrival (a timeout). A row caught `sending` by a sweep minutes ahead on the fake clock would count as a dead
  // sender's, which may have sent it; the loop below sweeps only when no row is being sent.
  const worker = useWorker({
    roster: true,
    fake,
    vars: { DELIVERY_BACKOFF_BASE_MS: "60000", DELIVERY_ATTEMPT_TIMEOUT_MS: "5000" },
    // the outage's failed attempts, and the two messages its tests let die (the admins are told)
    expectErrors: [/"route":"delivery"/, /"route":"job:resolve_open_ids","outcome":"lookup_failed"/],
    expectDead: 2,
  });
  beforeEach(() => {
    fake.faults = {};
    fake.unavailableTo.clear();
  });

  it("Feishu down for an hour (refused connections, then 5xx): afterwards every message arrives, none twice, none dead", async () => {
    const t0 = Date.now();
    await fake.refuseConnections();
    const fanOut = Array.from({ length: 30 }, (_, i) => cardTo(`plan:outage:${i}`, `ou_fan_${i}`, `第 ${i + 1} 张`));
    await commit(fanOut, t0);
    // a supervisor's command during the outage: its answer fails on the fast path and waits in the queue
    const asked = messageEvent({ eventId: worker.nextEventId(), messageId: "om_in_outage", openId: "ou_sup_1", chatType: "p2p", messageType: "text", content: { text: "帮助" } });
    expect((await worker.post("/feishu/events", asked)).status).toBe(200);
    await until("every message tried at least twice and failed", async () => {
      const open = await rows("ref LIKE 'plan:outage:%' OR ref LIKE 'reply:om_in_outage%'");
      return open.length === 31 && open.every((row) => row.state === "failed" && row.attempts >= 2);
    });

    // the hour, on the fake clock: a sweep every 5 minutes re-queues what is due; Feishu refuses connections, then answers 500
    const attempts = async () => (await rows("ref LIKE 'plan:outage:%' OR ref LIKE 'reply:om_in_outage%'")).reduce((sum, row) => sum + row.attempts, 0);
    for (let minute = 5; minute <= 60; minute += 5) {
      if (minute === 30) {
        fake.faults.down = true;
        await fake.acceptConnections();
      }
      const before = await attempts();
      await until("no row being sent", async () => (await worker.count("outbox", "state = 'sending'")) === 0);
      await sweepAt(t0 + minute * MINUTE);
      await until(`the sweep at +${minute} min re-queued everything and the consumer failed again`, async () => {
        const states = await rows("ref LIKE 'plan:outage:%' OR ref LIKE 'reply:om_in_outage%'");
        return states.every((row) => row.state === "failed") && (await attempts()) >= before + states.length;
      });
    }
    expect(fake.calls.filter((call) => call.path === "/open-apis/im/v1/messages" && call.status === 500).length).toBeGreaterThanOrEqual(30);
    // nothing sent and nothing given up during the hour: every row is still being retried (a queue retry of the last
    // failure may already have claimed some of them again, `sending`: that is retrying too)
    const stillOpen = await rows("ref LIKE 'plan:outage:%' OR ref LIKE 'reply:om_in_outage%'");
    expect(stillOpen).toHaveLength(31);
    expect(stillOpen.filter((row) => row.state !== "failed" && row.state !== "sending")).toEqual([]);
    expect(fake.messages.filter((m) => m.receiveId?.startsWith("ou_fan_") || m.replyTo === "om_in_outage")).toEqual([]);

    // Feishu is back: the next sweep sends everything (once no attempt of the outage is still under way: the sweep,
    // an hour ahead on the cron's clock, would otherwise take a row in `sending` for one its sender abandoned)
    await until("no row being sent", async () => (await worker.count("outbox", "state = 'sending'")) === 0);
    fake.faults.down = false;
    await sweepAt(t0 + 65 * MINUTE);
    await worker.settle(60_000);
    const after = await rows("ref LIKE 'plan:outage:%' OR ref LIKE 'reply:om_in_outage%'");
    expect(after.map((row) => row.state)).toEqual(after.map(() => "sent"));
    for (const row of after) expect(fake.messages.filter((m) => m.uuid === row.uuid), row.ref).toHaveLength(1);
    for (let i = 0; i < 30; i++) expect(fake.messagesTo(`ou_fan_${i}`), `ou_fan_${i}`).toHaveLength(1);
    // the supervisor's answer landed in their chat, once
    expect(fake.messages.filter((m) => m.chatId === "oc_p2p_ou_sup_1")).toHaveLength(1);
    // nobody was alerted: nothing died
    await sweepAt(t0 + 70 * MINUTE);
    expect(await worker.count("outbox", "state = 'dead'")).toBe(0);
    expect(await worker.count("outbox", "ref LIKE 'delivery-alert:%'")).toBe(0);
  }, 240_000);

  it("a refusal Feishu would repeat (a card whose image does not exist) dies at once, after one attempt", async () => {
    const broken: OutboundMessage = { ...cardTo("order:broken-card", "ou_sup_1"), content: card({ title: "督办单", elements: [{ tag: "img", img_key: "img_never_uploaded", alt: { tag: "plain_text", content: "" } }] }) };
    await commit([broken]);
    await worker.settle();
    const [row] = await rows("ref = 'order:broken-card'");
    expect(row).toMatchObject({ state: "dead", attempts: 1 });
    expect(row!.last_error).toContain("230099");
    expect(sendCalls(row!.uuid)).toHaveLength(1);
    expect(worker.fake.takeRefusals(230099)).toMatchObject([{ path: "/open-apis/im/v1/messages", status: 400 }]);
    await worker.query("DELETE FROM outbox WHERE ref = 'order:broken-card'");
  });

  it("230013: the admins' alert names who is outside the availability range and what to do, at most once an hour", async () => {
    fake.unavailableTo.add("ou_sup_2");
    await commit([cardTo("plan:avail:S002", "ou_sup_2")]);
    await worker.settle();
    const [dead] = await rows("ref = 'plan:avail:S002'");
    expect(dead).toMatchObject({ state: "dead", attempts: 1 });
    expect(dead!.last_error).toContain("230013");
    expect(sendCalls(dead!.uuid).map((call) => call.status)).toEqual([400]);

    // the fake clock's first alert comes after this death and before the next one
    const f1 = Date.now() + 1_000;
    await sweepAt(f1);
    await until("the admin's alert", () => alerts().length === 1);
    const first = shown(alerts()[0]!);
    expect(first).toContain("李秀英");
    expect(first).toContain("可用范围");
    expect(first).toContain("发布新版本");
    expect(first).toContain("230013");
    expect(first).not.toContain("13800000002");
    expect(JSON.stringify(alerts()[0]!.content)).toMatch(/"action":"outbox_retry","maxId":\d+/);

    // another person dies ten minutes later: no second alert within the hour
    await until("the real clock past the first alert", () => Date.now() > f1 + 10);
    fake.unavailableTo.add("ou_sup_3");
    await commit([cardTo("plan:avail:S003", "ou_sup_3")]);
    await worker.settle();
    await sweepAt(f1 + 10 * MINUTE);
    await sweepAt(f1 + 30 * MINUTE);
    await worker.settle();
    expect(alerts()).toHaveLength(1);
    // an hour after the first: one alert, about the new death only
    await sweepAt(f1 + 61 * MINUTE);
    await until("the second alert", () => alerts().length === 2);
    const second = shown(alerts()[1]!);
    expect(second).toContain("张伟");
    expect(second).not.toContain("李秀英");
    await sweepAt(f1 + 70 * MINUTE);
    await worker.settle();
    expect(alerts()).toHaveLength(2);
  });

  it("a message past its age is not sent: it dies as expired and the admins are told", async () => {
    const before = alerts().length;
    const now = Date.now();
    // Feishu is down when they are written, so they wait in the outbox; then their time runs out (a plan card
    // written 25 hours ago, an answer 3 hours ago: their deadlines set back as if so)
    fake.faults = { down: true };
    await commit([cardTo("plan:stale:S001", "ou_sup_1")]);
    await commit([{ key: "reply:om_stale:0", to: { openId: "ou_sup_1" }, msgType: "text", content: { text: "三小时前的回答" } }]);
    const stale = await rows("ref IN ('plan:stale:S001', 'reply:om_stale:0')");
    expect(stale).toHaveLength(2);
    // set back only while a row waits for its next attempt (not while one is in flight): from then on no sender claims it
    await until("both set back between attempts", async () => {
      await worker.query("UPDATE outbox SET give_up_at = ?, created_at = ? WHERE ref = 'plan:stale:S001' AND state = 'failed'", now - HOUR, now - 25 * HOUR);
      await worker.query("UPDATE outbox SET give_up_at = ?, created_at = ? WHERE ref = 'reply:om_stale:0' AND state = 'failed'", now - HOUR, now - 3 * HOUR);
      return (await rows("ref IN ('plan:stale:S001', 'reply:om_stale:0') AND give_up_at < ?", now)).length === 2;
    });
    fake.faults = {};
    // three hours after the last alert (fake clock): the sweep gives them up and alerts
    await sweepAt(now + 4 * HOUR);
    await until("the expiry alert", () => alerts().length === before + 1);
    const after = await rows("ref IN ('plan:stale:S001', 'reply:om_stale:0')");
    expect(after.map((row) => row.state)).toEqual(["dead", "dead"]);
    for (const row of after) {
      expect(row.last_error).toMatch(/^expired: /);
      expect(fake.messages.filter((m) => m.uuid === row.uuid)).toHaveLength(0);
    }
    const text = shown(alerts().at(-1)!);
    expect(text).toContain("2 条：飞书长时间无法送达");
    expect(text).not.toContain("李秀英");
  });

  it("an attempt that may have arrived is repeated only within Feishu's uuid hour: after it, the row dies unsure and arrives once", async () => {
    const before = alerts().length;
    // Feishu takes the message but the connection is cut before its answer: the sender cannot know it arrived
    fake.faults = { cutAfterAccept: 1 };
    await commit([cardTo("plan:maybe:S001", "ou_sup_1", "可能已送达")]);
    const [row] = await rows("ref = 'plan:maybe:S001'");
    await until("the message arrived, unbeknown to the sender", async () => fake.messages.some((m) => m.uuid === row!.uuid) && (await worker.count("outbox", "uuid = ? AND maybe_sent_at IS NOT NULL", row!.uuid)) === 1);
    // then Feishu fails outright
    fake.faults = { down: true };
    await until("a later attempt answered 500", async () => (await rows("uuid = ?", row!.uuid))[0]!.last_error?.startsWith("feishu 500") ?? false);
    // more than an hour later (fake clock; two hours after the last alert): not sent again, given up as unsure
    for (let k = 0; (await rows("uuid = ?", row!.uuid))[0]!.state !== "dead"; k++) {
      expect(k).toBeLessThan(20);
      await sweepAt(Date.now() + 6 * HOUR + k * MINUTE);
    }
    expect((await rows("uuid = ?", row!.uuid))[0]!.last_error).toMatch(/^unsure: /);
    fake.faults = {};
    await until("the alert", () => alerts().length === before + 1);
    expect(shown(alerts().at(-1)!)).toContain("1 条：可能已经送达");
    // every repeat carried the same uuid, and Feishu kept one message
    expect(sendCalls(row!.uuid).length).toBeGreaterThan(1);
    expect(fake.messages.filter((m) => m.uuid === row!.uuid)).toHaveLength(1);
  });

  it("the dead-letter queue hands its rows back to the sweeper, which sends them once", async () => {
    const now = Date.now();
    await commit([cardTo("reminder:dlq:S001", "ou_sup_1")], now);
    await worker.settle();
    fake.reset();
    // as if the row's queue message ran out of retries while it waited a long backoff
    const [row] = await rows("ref = 'reminder:dlq:S001'");
    await worker.query("UPDATE outbox SET state = 'failed', sent_at = NULL, message_id = NULL, next_attempt_at = ?1, updated_at = ?2 WHERE uuid = ?3", now + HOUR, now, row!.uuid);
    const deadLetters = worker.queue("OUTBOX_DEAD_LETTERS");
    await deadLetters.send({ uuid: row!.uuid });
    // marked as lost (the sweeper's test: still due two minutes after it was last touched)
    await until("the dead-letter consumer marked the row", async () => (await worker.count("outbox", "uuid = ? AND updated_at < ? AND next_attempt_at < ?", row!.uuid, Date.now() - 2 * MINUTE, Date.now())) === 1);
    await sweepAt(Date.now());
    await worker.settle();
    expect(fake.messages.filter((m) => m.uuid === row!.uuid)).toHaveLength(1);
  });

  it("dead rows of a transient cause are revived while within their age; others are not, and a retry of an unsure one warns", async () => {
    const now = Date.now();
    await commit([cardTo("plan:legacy:S001", "ou_sup_1"), cardTo("plan:legacy:S003", "ou_sup_3"), cardTo("plan:unsure:S001", "ou_sup_1", "可能已送达")], now);
    await worker.settle();
    fake.reset();
    const legacy = await rows("ref IN ('plan:legacy:S001', 'plan:legacy:S003', 'plan:unsure:S001')");
    const [revivable, refused, unsure] = [legacy.find((r) => r.ref === "plan:legacy:S001")!, legacy.find((r) => r.ref === "plan:legacy:S003")!, legacy.find((r) => r.ref === "plan:unsure:S001")!];
    // dead as before this change (8 attempts), or refused for good, or unsure
    await worker.query("UPDATE outbox SET state = 'dead', attempts = 8, last_error = 'feishu 500 code 1: internal error', updated_at = ?1 WHERE uuid = ?2", now, revivable.uuid);
    await worker.query("UPDATE outbox SET state = 'dead', attempts = 1, last_error = 'feishu 400 code 230001: invalid receive_id', updated_at = ?1 WHERE uuid = ?2", now, refused.uuid);
    await worker.query("UPDATE outbox SET state = 'dead', attempts = 3, last_error = 'unsure: network: The operation was aborted due to timeout', updated_at = ?1 WHERE uuid = ?2", now, unsure.uuid);
    await sweepAt(Date.now());
    await until("the revived row is sent", async () => (await rows("uuid = ?", revivable.uuid))[0]!.state === "sent");
    expect(fake.messages.filter((m) => m.uuid === revivable.uuid)).toHaveLength(1);
    expect((await rows("uuid = ?", refused.uuid))[0]!.state).toBe("dead");
    expect((await rows("uuid = ?", unsure.uuid))[0]!.state).toBe("dead");

    // the manager's retry sends them again, and says that the unsure one may arrive twice
    const maxId = (await worker.query<{ id: number }>("SELECT MAX(id) AS id FROM outbox WHERE state = 'dead'"))[0]!.id;
    const { answer } = await worker.click("ou_mgr_1", { action: "outbox_retry", maxId });
    expect(answer.toast?.type).toBe("warning");
    expect(answer.toast?.content).toContain("可能已经送达");
    await worker.settle();
    expect(fake.messages.filter((m) => m.uuid === unsure.uuid)).toHaveLength(1);
  });

  it("a district office's admins hear about their own district's people, in their language; the top office about the rest", async () => {
    const now = Date.now();
    await worker.query(
      "INSERT INTO offices (code, name, short_name, parent_code, district, digest_chat_id, created_at, updated_at) VALUES ('CITY', '市督导室', '市', NULL, '', NULL, ?1, ?1), ('DG', '东港区督导室', '东港', 'CITY', '东港区', NULL, ?1, ?1)",
      now,
    );
    await worker.query(
      "INSERT INTO people (code, name, role, office_code, open_id, lang, active, created_at, updated_at) VALUES ('A_DG', 'Dong Admin', 'admin', 'DG', 'ou_admin_dg', 'en', 1, ?1, ?1)",
      now,
    );
    // 张伟 supervises a district zone of 东港区 (Z02); 王建国 a city zone (Z01)
    fake.unavailableTo.add("ou_sup_3");
    fake.unavailableTo.add("ou_sup_1");
    await commit([cardTo("plan:district:S003", "ou_sup_3"), cardTo("plan:district:S001", "ou_sup_1")]);
    await worker.settle();
    fake.unavailableTo.clear();
    // the earlier alerts went out on the fake clock, hours ahead of these deaths: a new day, as far as alerts go
    await worker.query("DELETE FROM outbox WHERE ref LIKE 'delivery-alert:%'");
    const before = alerts().length;
    await sweepAt(now + 10 * MINUTE);
    await until("both offices' alerts", () => alerts().length === before + 1 && fake.messagesTo("ou_admin_dg").length === 1);
    const district = shown(fake.messagesTo("ou_admin_dg")[0]!);
    expect(district).toContain("张伟");
    expect(district).toContain("availability range");
    expect(district).not.toContain("王建国");
    const top = shown(alerts().at(-1)!);
    expect(top).toContain("王建国");
    expect(top).not.toContain("张伟");
  });
});

/**
 * Feishu's rate-limit answers on the test's clock (TEST_CLOCK_DELIVERY, src/test-clock.ts): the retry's wait for
 * x-ogw-ratelimit-reset and the send slots are held on the clock, which the test moves from one to the next while
 * delivery's work is all waiting on it; the fake stamps its calls with the same clock. Nine 1 s
 * resets take no real seconds, and "exactly" is measured, not raced.
 */
describe("delivery through rate-limit answers, on the test's clock", () => {
  let clock: TestClock;
  beforeAll(async () => {
    clock = await new TestClock().start();
  });
  const worker = useWorker({
    vars: () => ({ TEST_CLOCK_URL: clock.url, TEST_CLOCK_DELIVERY: "1" }),
    setup: (started) => void started.fake.followClock(() => clock.time()),
    teardown: () => clock.stop(),
    // the injected 429s: each a retry
    expectErrors: [/"route":"delivery","outcome":"retry".*99991400/],
  });

  it("429s wait exactly x-ogw-ratelimit-reset, and nine in a row do not kill the message", async () => {
    worker.fake.faults.rateLimitNext = { count: 9, resetSeconds: 1 };
    const d1 = (await worker.d1()) as unknown as D1Database;
    const digest: OutboundMessage = { key: "digest:ratelimited", to: { openId: "ou_sup_1" }, msgType: "interactive", content: card({ title: "督学助手", elements: [markdown("本周周报")] }) };
    await new UnitOfWork(d1, { OUTBOX: worker.queue("OUTBOX") }, Date.now()).send(digest).commit();
    await clock.drive(worker.settle(), "delivery");
    const [row] = await worker.query<{ uuid: string; state: string; attempts: number }>("SELECT uuid, state, attempts FROM outbox WHERE ref = 'digest:ratelimited'");
    expect(row).toMatchObject({ state: "sent", attempts: 10 });
    const calls = worker.fake.calls.filter((call) => call.path === "/open-apis/im/v1/messages" && (call.body as { uuid?: string })?.uuid === row!.uuid);
    expect(calls.map((call) => call.status)).toEqual([...Array(9).fill(429), 200]);
    // the sender waited what Feishu asked after each 429, and each retry came exactly that long after the attempt before
    // (the fake's stamps, on the test's clock)
    expect(clock.asked.filter((wait) => wait.label === "delivery:retry").map((wait) => wait.ms)).toEqual(Array(9).fill(1_000));
    expect(calls.slice(1).map((call, i) => call.at - calls[i]!.at)).toEqual(Array(9).fill(1_000));
    expect(worker.fake.messages.filter((m) => m.uuid === row!.uuid)).toHaveLength(1);
  });
});
