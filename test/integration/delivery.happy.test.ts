import { beforeEach, describe, expect, it } from "vitest";
import { outboxStatements, UnitOfWork, type OutboundMessage } from "../../src/delivery/outbox.ts";
import { card, markdown } from "../../src/feishu/cards/kit.ts";
import { useWorker } from "../support/use-worker.ts";

/** Delivery status for managers, the retry button, dead letters and the sweeper. */
describe("delivery: outbox status, retry and recovery", () => {

  const message = (key: string, openId: string, text = "本周计划"): OutboundMessage => ({
    key,
    to: { openId },
    msgType: "interactive",
    content: card({ title: "督学助手", elements: [markdown(text)] }),
  });

  /** Writes rows with the outbox's own statements but does not queue them (a past failure or a crash). */
  async function writeRows(messages: OutboundMessage[], nowMs = Date.now()) {
    const d1 = (await worker.d1()) as unknown as D1Database;
    const { statements, uuids } = await outboxStatements(d1, messages, nowMs);
    await d1.batch(statements);
    return uuids;
  }

  async function outboxStatusCard(openId = "ou_mgr_1") {
    const { replies, texts } = await worker.say(openId, "发送状态");
    expect(replies).toHaveLength(1);
    const content = JSON.stringify(replies[0]!.content);
    const maxId = content.match(/"action":"outbox_retry","maxId":(\d+)/)?.[1];
    // Refs and errors are escaped for the card's markdown (every special character an entity since issue #14); read them as Feishu shows them.
    const shown = texts[0]!.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    return { text: shown, maxId: maxId ? Number(maxId) : undefined };
  }

  const worker = useWorker({ roster: true, vars: { DELIVERY_BACKOFF_BASE_MS: "250" }, expectErrors: [/"outcome":"dead".*230025/] });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
  });

  it("a message Feishu refuses for good goes straight to dead, and managers see it with its error", async () => {
    const d1 = (await worker.d1()) as unknown as D1Database;
    const queue = worker.queue("OUTBOX");
    // over Feishu's 30 KB card limit: 230025 is not retryable
    await new UnitOfWork(d1, { OUTBOX: queue }, Date.now()).send(message("digest:oversize", "ou_sup_1", "长".repeat(12_000))).commit();
    await worker.settle();
    const [row] = await worker.query<{ state: string; attempts: number; last_error: string }>("SELECT state, attempts, last_error FROM outbox WHERE ref = 'digest:oversize'");
    expect(row).toMatchObject({ state: "dead", attempts: 1 });
    expect(row!.last_error).toContain("230025");
    expect(worker.fake.messagesTo("ou_sup_1")).toHaveLength(0);
    // refused on purpose, as real Feishu refuses a body over 30 KB
    expect(worker.fake.takeRefusedCards()).toMatchObject([{ path: "/open-apis/im/v1/messages", violations: [{ code: 230025 }] }]);

    const status = await outboxStatusCard();
    expect(status.text).toContain("消息发送状态");
    expect(status.text).toMatch(/发送失败 1/);
    expect(status.text).toContain("digest:oversize");
    expect(status.text).toContain("230025");
    expect(status.text).toContain("重发 1 条失败的消息");
    await worker.query("DELETE FROM outbox WHERE ref = 'digest:oversize'");
  });

  it("the retry button re-queues dead messages: each arrives once, and a second click finds nothing to do", async () => {
    const uuids = await writeRows([message("plan:2026-W10:S001", "ou_sup_1"), message("plan:2026-W10:S002", "ou_sup_2")]);
    await worker.query(
      "UPDATE outbox SET state = 'dead', attempts = 8, last_error = 'feishu 500 code 1: internal error' WHERE uuid IN (?, ?)",
      uuids[0],
      uuids[1],
    );
    const status = await outboxStatusCard();
    expect(status.text).toMatch(/发送失败 2/);
    expect(status.text).toContain("plan:2026-W10:S002");
    expect(status.maxId).toBeGreaterThan(0);

    const first = await worker.click("ou_mgr_1", { action: "outbox_retry", maxId: status.maxId });
    expect(first.status).toBe(200);
    expect(first.answer.toast).toMatchObject({ type: "success" });
    expect(first.answer.toast!.content).toContain("2");
    await worker.settle();
    expect(worker.fake.messagesTo("ou_sup_1").filter((m) => m.uuid === uuids[0])).toHaveLength(1);
    expect(worker.fake.messagesTo("ou_sup_2").filter((m) => m.uuid === uuids[1])).toHaveLength(1);
    const rows = await worker.query<{ state: string; message_id: string }>("SELECT state, message_id FROM outbox WHERE ref LIKE 'plan:2026-W10:%' ORDER BY ref");
    expect(rows.map((row) => row.state)).toEqual(["sent", "sent"]);
    expect(rows[0]!.message_id).toBe(worker.fake.messagesTo("ou_sup_1").at(-1)!.messageId);

    const again = await worker.click("ou_mgr_1", { action: "outbox_retry", maxId: status.maxId });
    expect(again.answer.toast).toMatchObject({ type: "info" });
    await worker.settle();
    expect(worker.fake.messages.filter((m) => m.uuid === uuids[0] || m.uuid === uuids[1])).toHaveLength(2);
    expect((await outboxStatusCard()).maxId).toBeUndefined();
  });

  it("the sweeper re-sends a message whose sender died mid-send, exactly once", async () => {
    const sixMinutesAgo = Date.now() - 6 * 60_000;
    const [uuid] = await writeRows([message("reminder:2026-W10:S003", "ou_sup_3")], sixMinutesAgo);
    await worker.query("UPDATE outbox SET state = 'sending', attempts = 1 WHERE uuid = ?", uuid);
    await worker.runCron("*/5 * * * *", new Date());
    await worker.settle();
    expect(worker.fake.messagesTo("ou_sup_3")).toHaveLength(1);
    const [row] = await worker.query<{ state: string; attempts: number }>("SELECT state, attempts FROM outbox WHERE uuid = ?", uuid);
    expect(row).toMatchObject({ state: "sent", attempts: 2 });
    // a second sweep finds nothing to do
    await worker.runCron("*/5 * * * *", new Date());
    expect(worker.fake.messagesTo("ou_sup_3")).toHaveLength(1);
  });

  it("a message whose queue entry was lost is found by the sweeper and sent once", async () => {
    const [uuid] = await writeRows([message("order:2026-0001:ack", "ou_contact_1")], Date.now() - 3 * 60_000);
    await worker.runCron("*/5 * * * *", new Date());
    expect(worker.fake.messagesTo("ou_contact_1").filter((m) => m.uuid === uuid)).toHaveLength(1);
  });
});
