import { describe, expect, it } from "vitest";
import { currentWeek, localDate } from "../../src/domain/time.ts";
import { D1_FACADE } from "../support/d1-facade.ts";
import { messageEvent } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";

/**
 * The Worker with a database that can "die" mid-command: while test_faults.n > 0 every batch fails (and
 * n counts down), as if the isolate had been killed before its commit, error answer included.
 */
const DYING_ENTRY = `
import worker from "./index.js";
${D1_FACADE}
const faults = {
  beforeBatch: async (db) => {
    const row = await db.prepare("SELECT n FROM test_faults").first().catch(() => null);
    if (row && row.n > 0) {
      await db.prepare("UPDATE test_faults SET n = n - 1").run();
      throw new Error("isolate died before its commit");
    }
  },
};
let wrapped;
const envOf = (env) => (wrapped ??= { ...env, DB: wrapDb(env.DB, faults) });
export default {
  fetch: (request, env, ctx) => worker.fetch(request, envOf(env), ctx),
  queue: (batch, env, ctx) => worker.queue(batch, envOf(env), ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, envOf(env), ctx),
};
`;

const DAY = 24 * 60 * 60 * 1000;
const HOUSEKEEPING = "*/5 * * * *";

describe("exactly once", () => {

  const worker = useWorker({
    expectErrors: [/isolate died before its commit/],
    expectDead: 1,
    roster: true,
    wrapEntry: DYING_ENTRY,
    setup: async () => {
      await worker.query("CREATE TABLE test_faults (n INTEGER NOT NULL)");
      await worker.query("INSERT INTO test_faults (n) VALUES (0)");
    },
  });

  it("a command whose isolate died before committing is not lost: the redelivered event is answered in full, once", async () => {
    const event = messageEvent({ eventId: "ev_dies_once", messageId: "om_dies_once", openId: "ou_sup_1", chatType: "p2p", messageType: "text", content: { text: "我是谁" } });
    await worker.query("UPDATE test_faults SET n = 2"); // the command's batch and the error answer's
    worker.fake.reset();
    expect((await worker.post("/feishu/events", event)).status).toBe(200);
    await worker.settle();
    expect(worker.fake.messages).toHaveLength(0);
    expect(await worker.count("processed_events", "key IN ('event:ev_dies_once', 'message:om_dies_once')")).toBe(0);

    // Feishu redelivers (no answer seen): this time the whole command runs and answers.
    expect((await worker.post("/feishu/events", event)).status).toBe(200);
    await worker.settle();
    expect(worker.fake.messages.map((m) => JSON.stringify(m.content)).join("\n")).toContain("王建国");
    const answered = worker.fake.messages.length;
    // And a third delivery is a no-op.
    expect((await worker.post("/feishu/events", event)).status).toBe(200);
    await worker.settle();
    expect(worker.fake.messages).toHaveLength(answered);
  });

  it("an issuing form stays submitted after the 24-hour dedupe purge, for as long as the card can be clicked", async () => {
    const form = { kind: "order", schools: "SCH001", due: "30天", text: "校门口交通安全整改" };
    const first = await worker.click("ou_mgr_1", { action: "order_issue_submit" }, form, "om_issue_form_once");
    expect(first.answer.toast?.type).toBe("success");
    const orders = await worker.count("orders");
    expect(orders).toBe(1);

    await worker.runCron(HOUSEKEEPING, new Date(Date.now() + 2 * DAY));
    const again = await worker.click("ou_mgr_1", { action: "order_issue_submit" }, form, "om_issue_form_once");
    expect(again.answer.toast).toEqual({ type: "info", content: expect.stringContaining("已经提交过") });
    expect(await worker.count("orders")).toBe(orders);

    // Past the card's 14 days the claim may go.
    await worker.runCron(HOUSEKEEPING, new Date(Date.now() + 16 * DAY));
    expect(await worker.count("processed_events", "key = 'form:om_issue_form_once'")).toBe(0);
  });

  it("housekeeping deletes delivered and dead messages (exports included) after 30 days, and nothing younger or undelivered", async () => {
    await worker.settle();
    const later = Date.now() + 31 * DAY;
    const sentNow = await worker.count("outbox", "state = 'sent'");
    expect(sentNow).toBeGreaterThan(0);
    const insert = (uuid: string, state: string, msgType: string, updatedAt: number) =>
      worker.query(
        "INSERT INTO outbox (uuid, operation, receive_id_type, receive_id, msg_type, content, ref, state, attempts, next_attempt_at, created_at, updated_at) VALUES (?, 'send', 'open_id', 'ou_mgr_1', ?, ?, ?, ?, 0, ?, ?, ?)",
        uuid, msgType, JSON.stringify({ file_name: "x.csv", csv: "a,b" }), `retention:${uuid}`, state, updatedAt + DAY * 365, updatedAt, updatedAt,
      );
    await insert("old_export_sent", "sent", "file", Date.now() - DAY);
    await insert("old_dead", "dead", "text", Date.now() - DAY);
    await insert("young_sent", "sent", "text", later - 10 * DAY);
    await insert("old_sending", "sending", "text", later - 10 * DAY);

    await worker.runCron(HOUSEKEEPING, new Date(later));
    const left = (await worker.query<{ uuid: string }>("SELECT uuid FROM outbox ORDER BY uuid")).map((row) => row.uuid);
    expect(left).toContain("young_sent");
    expect(left).toContain("old_sending");
    expect(left).not.toContain("old_export_sent");
    expect(left).not.toContain("old_dead");
    // The bot's earlier answers, delivered now, are more than 30 days old at the cron's time.
    expect(await worker.count("outbox", "ref LIKE 'reply:%'")).toBe(0);
  });

  it("a serious problem alerts the managers once, however often the report is edited with it", async () => {
    await worker.settle();
    const today = localDate(Date.now(), "Asia/Shanghai");
    const [assignment] = await worker.query<{ id: number }>(
      "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?1, 'S003', 'SCH006', 'routine', 'planned', ?2, ?2) RETURNING id",
      currentWeek(Date.now(), "Asia/Shanghai"),
      Date.now(),
    );
    const form = (overrides: Record<string, unknown>) => {
      // form v2: only the exceptions are picked (a problem in hygiene); the other items count as normal
      const base: Record<string, unknown> = { visit_date: `${today} +0800`, visit_kind: "routine", m_class_observation: "2", m_walkthrough: "1", findings: "整体良好" };
      return { ...base, items_problem: ["hygiene"], ...overrides };
    };
    const serious = { p1_item: "hygiene", p1_desc: "食堂使用过期食材", p1_severity: "serious", p1_fixed: true };
    const alerts = () => worker.count("outbox", "ref LIKE 'problem:%:serious:%:M001'");
    const first = await worker.click("ou_sup_3", { action: "submit_report", form: 2, assignment_id: assignment!.id }, form(serious));
    expect(first.answer.toast?.type).toBe("success");
    expect(await alerts()).toBe(1);
    const [report] = await worker.query<{ id: number }>("SELECT id FROM reports WHERE assignment_id = ?", assignment!.id);
    // Edited twice, the same problem entered again (spaces aside): no new alert.
    const edit1 = await worker.click("ou_sup_3", { action: "submit_report", form: 2, report_id: report!.id, version: 1 }, form({ ...serious, findings: "补充一" }));
    expect(edit1.answer.toast?.type).toBe("success");
    const edit2 = await worker.click("ou_sup_3", { action: "submit_report", form: 2, report_id: report!.id, version: 2 }, form({ ...serious, p1_desc: " 食堂使用过期食材 ", findings: "补充二" }));
    expect(edit2.answer.toast?.type).toBe("success");
    expect(await alerts()).toBe(1);
    // A different serious problem is news.
    await worker.click("ou_sup_3", { action: "submit_report", form: 2, report_id: report!.id, version: 3 }, form({ ...serious, p1_desc: "消防通道堵塞", findings: "补充三" }));
    expect(await alerts()).toBe(2);
  });
});
