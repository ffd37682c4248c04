import { beforeAll, describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { TestClock } from "../support/test-clock.ts";
import { useWorker } from "../support/use-worker.ts";
import { chatIdFor } from "../support/worker.ts";

const MANAGER = "ou_mgr_1";
const SUPERVISOR = "ou_sup_1"; // S001, nameplate supervisor of SCH001

type Line = Record<string, unknown>;
const linesFor = (logs: Line[], uuid: string) => logs.filter((line) => line.route === "delivery" && line.uuid === uuid);

/**
 * Answers to a user (replies to commands, their follow-ups) are sent by the invocation that
 * committed them, right after the commit, not by the queue; the queue is their fallback.
 */
describe("fast path for answers", () => {
  describe("without a queue consumer", () => {
    const worker = useWorker({ roster: true, queueConsumer: false });

    it("delivers a command's reply and its follow-up card with no queue batch at all", async () => {
      const { replies, texts } = await worker.say(MANAGER, "督办 SCH001 30天 请于期限内完成食堂卫生整改，并报送整改报告。");
      expect(texts.join("\n")).toContain("督办〔");
      // the order card reached the school's supervisor too (a follow-up of the same command)
      const card = worker.fake.messagesTo(SUPERVISOR);
      expect(card).toHaveLength(1);
      expect(FakeFeishu.textOf(card[0]!)).toContain("日照市实验小学");
      // every row of this command is sent, by the fast path, once
      const rows = await worker.query<{ uuid: string; state: string; attempts: number; message_id: string }>(
        "SELECT uuid, state, attempts, message_id FROM outbox ORDER BY id",
      );
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) {
        expect(row).toMatchObject({ state: "sent", attempts: 1 });
        expect(linesFor(worker.logs, row.uuid).map((line) => [line.outcome, line.via])).toEqual([["sent", "fast_path"]]);
      }
      expect(replies).toHaveLength(1);
      // in a direct chat the answer is a message to the person, by open_id (Feishu's 5 a second is per person, and the
      // limiter counts the person's cards by open_id too); a group gets a reply to the command: below
      expect(replies[0]).toMatchObject({ operation: "send", receiveIdType: "open_id", receiveId: MANAGER, chatId: chatIdFor(MANAGER, "p2p"), replyTo: null });
      expect(rows.map((row) => row.message_id)).toContain(replies[0]!.messageId);
      expect(worker.logs.filter((line) => line.route === "queue")).toEqual([]);
    });
  });

  /**
   * Delivery's rate limiter runs on the test's clock here (TEST_CLOCK_DELIVERY, src/test-clock.ts): its "now" is the
   * clock's time and a send waits for its slot until the test moves the clock there; the fake judges Feishu's limits
   * by the same time (followClock). `onClock` plays a test's work out step by step: the clock moves to the next wait's
   * end only while all of delivery's work is waiting on it (no send on its way), so no second of pacing is lived in real time.
   */
  describe("with the queue as fallback", () => {
    let clock: TestClock;
    const onClock = <T>(work: Promise<T>) => clock.drive(work, "delivery");
    // the test's clock starts first (its url is one of the Worker's vars)
    beforeAll(async () => {
      clock = await new TestClock().start();
    });
    const worker = useWorker({
      roster: true,
      vars: () => ({ TEST_CLOCK_URL: clock.url, TEST_CLOCK_DELIVERY: "1" }),
      setup: (started) => void started.fake.followClock(() => clock.time()),
      teardown: () => clock.stop(),
      expectErrors: [/"route":"delivery","outcome":"retry".*feishu 500/],
    });

    it("hands a reply whose fast send failed to the queue, which sends it exactly once with the same uuid", async () => {
      worker.fake.faults = { failNextSends: 1 };
      const { replies, texts } = await onClock(worker.say(MANAGER, "我是谁"));
      expect(replies).toHaveLength(1);
      expect(texts[0]).toContain("管理员");
      const [row] = await worker.query<{ uuid: string; state: string; attempts: number }>("SELECT uuid, state, attempts FROM outbox");
      expect(row).toMatchObject({ state: "sent", attempts: 2 });
      // one failed attempt on the fast path, then one send from one queue batch
      expect(linesFor(worker.logs, row!.uuid).map((line) => [line.outcome, line.via])).toEqual([
        ["retry", "fast_path"],
        ["sent", "queue"],
      ]);
      const fast = worker.logs.filter((line) => line.route === "fast_path" && line.outcome === "queued");
      expect(fast.at(-1)).toMatchObject({ claimed: 1, failed: 1, queued: 1 });
      const batches = worker.logs.filter((line) => line.route === "queue" && line.outcome === "batch");
      expect(batches.map((line) => line.claimed)).toEqual([1]);
      // both attempts carried the row's uuid; Feishu holds the message once
      const attempts = worker.fake.calls.filter((call) => call.path === "/open-apis/im/v1/messages" && (call.body as { uuid?: string })?.uuid === row!.uuid);
      expect(attempts.map((call) => call.status)).toEqual([500, 200]);
      expect(worker.fake.messages.filter((m) => m.uuid === row!.uuid)).toHaveLength(1);
    });

    it("paces a burst of group commands to 5 per second in that group chat, replies included, with none refused (the queue sends what the fast path's 1.5 s could not)", async () => {
      const before = worker.fake.messages.length;
      const waitsBefore = clock.asked.length;
      const said = await onClock(Promise.all(Array.from({ length: 8 }, () => worker.say(MANAGER, "帮助", { chatType: "group" }))));
      const replies = worker.fake.messages.slice(before).filter((m) => m.operation === "reply");
      expect(replies).toHaveLength(8);
      for (const { messageId } of said) expect(worker.fake.repliesTo(messageId)).toHaveLength(1);
      // the fake keys the limit by the group chat (replies to the users' messages in it), and refused none
      expect(new Set(replies.map((m) => m.chatId))).toEqual(new Set(["oc_group_office"]));
      // the pacing is judged by the fake, which refuses a sixth message within its second (230020, the last test
      // below) of the test's clock, the time the sender paced by
      expect(worker.fake.groupRefusals.get("oc_group_office") ?? 0).toBe(0);
      expect(worker.fake.calls.filter((call) => call.status === 400)).toEqual([]);
      // as the fake stamped them (the test's clock): never more than 5 replies in one second of that chat
      const at = replies.map((m) => m.at).sort((a, b) => a - b);
      for (let i = 5; i < at.length; i++) expect(at[i]! - at[i - 5]!, `reply ${i + 1}`).toBeGreaterThanOrEqual(1000);
      // they were paced, not sent at once: the senders waited on the clock for later slots
      expect(clock.asked.slice(waitsBefore).filter((wait) => wait.label === "delivery:slot" && wait.ms > 0).length).toBeGreaterThanOrEqual(5);
      // the fast path sent what fitted in its 1.5 s; the queue sent the rest
      const via = replies.map((m) => worker.logs.find((line) => line.route === "delivery" && line.outcome === "sent" && line.uuid === m.uuid)?.via);
      expect(via.filter((v) => v === "fast_path").length).toBeGreaterThan(0);
      expect(via.filter((v) => v === "queue").length).toBeGreaterThan(0);
      expect(via.filter((v) => v !== "fast_path" && v !== "queue")).toEqual([]);
    });
  });

  it("the fake refuses a sixth message within a second to one group chat, as Feishu does (230020)", async () => {
    const fake = await new FakeFeishu().start();
    for (const chat of ["oc_some_group", "oc_other_group"]) fake.botChats.add(chat); // else 230002: the bot is not in the group
    try {
      const auth = await (
        await fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ app_id: fake.appId, app_secret: fake.appSecret }),
        })
      ).json();
      const send = (i: number, chatId: string) =>
        fetch(`${fake.url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${(auth as { tenant_access_token: string }).tenant_access_token}` },
          body: JSON.stringify({ receive_id: chatId, msg_type: "text", content: JSON.stringify({ text: `m${i}` }), uuid: `u-${chatId}-${i}` }),
        }).then(async (response) => ({ status: response.status, code: ((await response.json()) as { code: number }).code }));
      const group = [];
      for (let i = 0; i < 6; i++) group.push(await send(i, "oc_some_group"));
      expect(group.slice(0, 5).map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
      expect(group[5]).toEqual({ status: 400, code: 230020 });
      // another group is not affected, nor a direct chat
      expect((await send(0, "oc_other_group")).code).toBe(0);
      expect(fake.messagesTo("oc_some_group")).toHaveLength(5);
    } finally {
      await fake.stop();
    }
  });
});
