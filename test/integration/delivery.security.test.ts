import { describe, expect, it } from "vitest";
import { outboxStatements } from "../../src/delivery/outbox.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";
import { expectRefusedClick } from "../support/refusal.ts";

/** Only managers see delivery status or retry messages; a refused click changes nothing. */
describe("delivery: who may see and retry", () => {
  let maxId: number;

  const worker = useWorker({
    expectDead: 1,
    roster: true,
    setup: async () => {
      const d1 = (await worker.d1()) as unknown as D1Database;
      const { statements } = await outboxStatements(d1, [{ key: "plan:2026-W11:S001", to: { openId: "ou_sup_1" }, msgType: "text", content: { text: "计划" } }], Date.now());
      await d1.batch(statements);
      await worker.query("UPDATE outbox SET state = 'dead', attempts = 8, last_error = 'feishu 500' WHERE ref = 'plan:2026-W11:S001'");
      maxId = (await worker.query<{ id: number }>("SELECT id FROM outbox WHERE ref = 'plan:2026-W11:S001'"))[0]!.id;
    },
  });

  async function expectStillDead() {
    await worker.settle();
    const [row] = await worker.query<{ state: string }>("SELECT state FROM outbox WHERE id = ?", maxId);
    expect(row!.state).toBe("dead");
    // the dead plan card was not sent again (the supervisor's own answers to commands are other messages)
    expect(worker.fake.messages.filter((m) => FakeFeishu.textOf(m) === "计划")).toHaveLength(0);
  }

  it("a supervisor asking for the delivery status is refused", async () => {
    const { texts } = await worker.say("ou_sup_1", "发送状态");
    expect(texts[0]).toContain("只有管理员");
    expect(texts[0]).not.toContain("plan:2026-W11");
  });

  it("a supervisor's retry click is refused and re-queues nothing", async () => {
    const before = await worker.snapshot();
    const { status, answer } = await worker.click("ou_sup_1", { action: "outbox_retry", maxId });
    expect(status).toBe(200);
    expect(answer.toast).toMatchObject({ type: "error", content: "只有管理员可以重发消息。" });
    expect(await worker.snapshot()).toEqual(before);
    await expectStillDead();
  });

  it("a stranger's retry click is refused", async () => {
    await expectRefusedClick(worker, "ou_nobody", { action: "outbox_retry", maxId }, "不在督学助手的名册中");
    await expectStillDead();
  });

  it("a malformed retry value is refused without a 500", async () => {
    for (const bad of [undefined, "1; DROP TABLE outbox", -1, 1.5, { id: 1 }]) {
      // refused as a stale card (its words, no crash toast, no error logged), not a 500
      await expectRefusedClick(worker, "ou_mgr_1", { action: "outbox_retry", maxId: bad }, "这张卡片已失效");
    }
    await expectStillDead();
  });
});
