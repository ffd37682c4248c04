import { beforeEach, describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";
import { expectRefusedClick } from "../support/refusal.ts";

/**
 * The Thursday reminder and the Monday miss, driven by the cron's own time.
 * Week 2026-W10 runs Monday 2026-03-02 … Sunday 2026-03-08.
 */
describe("report reminders and misses", () => {
  const WEEK = "2026-W10";
  const THURSDAY_16H = new Date("2026-03-05T08:00:00Z");
  const NEXT_MONDAY_08H = new Date("2026-03-09T00:00:00Z");
  const ids: Record<string, number> = {};

  async function addAssignment(key: string, supervisor: string, school: string, status = "planned", week = WEEK) {
    const [row] = await worker.query<{ id: number }>(
      "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?, ?, ?, 'routine', ?, 0, 0) RETURNING id",
      week,
      supervisor,
      school,
      status,
    );
    ids[key] = row!.id;
  }

  const worker = useWorker({
    roster: true,
    setup: async () => {
      await addAssignment("s1a", "S001", "SCH001");
      await addAssignment("s1b", "S001", "SCH002");
      await addAssignment("s2done", "S002", "SCH003", "reported");
      await addAssignment("s3cancelled", "S003", "SCH005", "cancelled");
      await addAssignment("s4", "S004", "SCH007");
      await addAssignment("s3next", "S003", "SCH006", "planned", "2026-W11");
    },
  });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
  });

  it("Thursday 16:00 sends each supervisor one reminder listing each unreported visit of the week", async () => {
    await worker.runCron("0 8 * * 4", THURSDAY_16H);
    const toS1 = worker.fake.messagesTo("ou_sup_1");
    expect(toS1).toHaveLength(1);
    const text = FakeFeishu.textOf(toS1[0]!);
    expect(text).toContain("2026-W10 走访报告待填报");
    expect(text).toContain("本周还有 2 次走访尚未填报");
    expect(text).toContain("日照市实验小学");
    expect(text).toContain("日照市第一中学");
    // each line has its own "report" button for the visit
    const content = JSON.stringify(toS1[0]!.content);
    expect(content).toContain(`"action":"open_report","assignment_id":${ids.s1a}`);
    expect(content).toContain(`"action":"open_report","assignment_id":${ids.s1b}`);
    // reported, cancelled and next week's visits are not reminded; S004 has no open_id
    expect(worker.fake.messagesTo("ou_sup_2")).toHaveLength(0);
    expect(worker.fake.messagesTo("ou_sup_3")).toHaveLength(0);
    expect(worker.fake.messages).toHaveLength(1);

    // a re-run of the same cron sends nothing twice
    worker.fake.reset();
    await worker.runCron("0 8 * * 4", THURSDAY_16H);
    expect(worker.fake.messages).toHaveLength(0);
  });

  it("the reminder's button opens the form for that visit", async () => {
    const { answer } = await worker.click("ou_sup_1", { action: "open_report", assignment_id: ids.s1a });
    expect(answer.toast?.type).toBe("info");
    const form = worker.fake.messagesTo("ou_sup_1");
    expect(form).toHaveLength(1);
    expect(FakeFeishu.textOf(form[0]!)).toContain("走访报告 · 日照市实验小学");
  });

  it("the next Monday's job marks the week's unreported visits missed, and only those", async () => {
    await worker.runCron("0 0 * * 1", NEXT_MONDAY_08H);
    const rows = await worker.query<{ id: number; status: string }>("SELECT id, status FROM assignments WHERE id IN (?, ?, ?, ?, ?, ?)", ...Object.values(ids));
    const status = Object.fromEntries(rows.map((r) => [r.id, r.status]));
    expect(status[ids.s1a!]).toBe("missed");
    expect(status[ids.s1b!]).toBe("missed");
    expect(status[ids.s4!]).toBe("missed");
    expect(status[ids.s2done!]).toBe("reported");
    expect(status[ids.s3cancelled!]).toBe("cancelled");
    expect(status[ids.s3next!]).toBe("planned");
    const log = worker.logs.find((line) => line.route === "job:mark_missed");
    expect(log?.outcome).toBe("week=2026-W10 missed=3");
    // running it again changes nothing
    await worker.runCron("0 0 * * 1", NEXT_MONDAY_08H);
    expect(await worker.count("assignments", "week = ? AND status = 'missed'", WEEK)).toBe(3);
  });

  it("a missed visit can still be reported late until the week's office digest is sent", async () => {
    const form: Record<string, unknown> = { visit_date: "2026-03-06 +0800", visit_kind: "routine", m_walkthrough: "1" };
    form.items_unchecked = ["administration", "enrolment", "curriculum", "workload", "ethics", "safety", "hygiene", "culture"];
    const late = await worker.click("ou_sup_1", { action: "submit_report", form: 2, assignment_id: ids.s1a }, form);
    expect(late.answer.toast?.type).toBe("success");
    const [row] = await worker.query<{ status: string }>("SELECT status FROM assignments WHERE id = ?", ids.s1a);
    expect(row!.status).toBe("reported");

    await worker.query("INSERT INTO digests (week, scope, sent_at) VALUES (?, 'office', ?)", WEEK, Date.now());
    const tooLate = await expectRefusedClick(worker, "ou_sup_1", { action: "submit_report", form: 2, assignment_id: ids.s1b }, "该周的周报已经发送", { formValue: form });
    expect(tooLate).toBe("该周的周报已经发送，不能再填报或修改。");
    expect(await worker.count("reports", "assignment_id = ?", ids.s1b)).toBe(0);
    // the week card's button no longer hands out a form that could not be submitted; a reported visit still shows its summary
    await worker.settle();
    worker.fake.reset();
    const opened = await expectRefusedClick(worker, "ou_sup_1", { action: "open_report", assignment_id: ids.s1b }, "该周的周报已经发送");
    expect(opened).toBe("该周的周报已经发送，不能再填报或修改。");
    const summary = await worker.click("ou_sup_1", { action: "open_report", assignment_id: ids.s1a });
    expect(summary.answer.toast?.type).toBe("info");
    await worker.settle();
    expect(worker.fake.messagesTo("ou_sup_1")).toHaveLength(1);
  });
});
