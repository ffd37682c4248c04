import { beforeEach, describe, expect, it } from "vitest";
import { addDays, currentWeek, localDate } from "../../src/domain/time.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";

/** A supervisor reports a visit through the card form: rows stored, problems become work, edits keep every version. */
describe("visit reports", () => {
  const TZ = "Asia/Shanghai";
  const week = () => currentWeek(Date.now(), TZ);
  const today = () => localDate(Date.now(), TZ);

  async function addAssignment(supervisor: string, school: string, topic: string | null = null): Promise<number> {
    const [row] = await worker.query<{ id: number }>(
      "INSERT INTO assignments (week, supervisor_code, school_code, reason, topic, status, created_at, updated_at) VALUES (?, ?, ?, 'routine', ?, 'planned', ?, ?) RETURNING id",
      week(),
      supervisor,
      school,
      topic,
      Date.now(),
      Date.now(),
    );
    return row!.id;
  }

  function form(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const base: Record<string, unknown> = { visit_date: `${today()} +0800`, visit_kind: "routine", m_class_observation: "2", m_walkthrough: "1", findings: "整体良好" };
    return { ...base, ...overrides };
  }

  const submit = (openId: string, assignmentId: number, formValue: Record<string, unknown>) =>
    worker.click(openId, { action: "submit_report", form: 2, assignment_id: assignmentId }, formValue);

  const worker = useWorker({ roster: true });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
  });

  it("a valid report stores the report, its version, its problems, the visit's status and a rectification item", async () => {
    const id = await addAssignment("S001", "SCH001");
    const deadline = addDays(today(), 30);
    const { status, answer } = await submit(
      "ou_sup_1",
      id,
      form({
        items_problem: ["safety"],
        p1_item: "safety",
        p1_desc: "消防通道堆放杂物",
        p1_severity: "general",
        p1_fixed: false,
        p1_deadline: `${deadline} +0800`,
        p2_item: "hygiene",
        p2_desc: "食品留样不足48小时",
        p2_severity: "minor",
        p2_fixed: true,
        p3_fixed: false,
      }),
    );
    expect(status).toBe(200);
    expect(answer.toast).toMatchObject({ type: "success", content: "报告已提交，谢谢！" });
    const summary = JSON.stringify(answer.card?.data);
    expect(summary).toContain("走访报告 · 日照市实验小学");
    expect(summary).toContain("edit_report");
    expect(summary).toContain("整改项〔");

    const [report] = await worker.query<Record<string, unknown>>("SELECT * FROM reports WHERE assignment_id = ?", id);
    expect(report).toMatchObject({ school_code: "SCH001", supervisor_code: "S001", week: week(), visit_date: today(), kind: "routine", version: 1, submitted_by: "S001", on_behalf: 0 });
    const data = JSON.parse(String(report!.data));
    expect(data.items.safety).toEqual({ state: "problem", note: "" });
    expect(data.methods.class_observation).toBe(2);
    expect(await worker.count("report_versions", "report_id = ?", report!.id)).toBe(1);
    const problems = await worker.query<Record<string, unknown>>("SELECT * FROM problems WHERE report_id = ? ORDER BY id", report!.id);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({ item: "safety", severity: "general", fixed_on_spot: 0, deadline, school_code: "SCH001", week: week() });
    expect(problems[1]).toMatchObject({ item: "hygiene", severity: "minor", fixed_on_spot: 1, deadline: null, order_id: null });
    const [order] = await worker.query<Record<string, unknown>>("SELECT * FROM orders WHERE problem_id = ?", problems[0]!.id);
    expect(order).toMatchObject({ kind: "rectification_item", school_code: "SCH001", due_date: deadline, text: "消防通道堆放杂物", status: "issued", issued_by: "S001" });
    expect(problems[0]!.order_id).toBe(order!.id);
    expect(await worker.count("orders", "problem_id = ?", problems[1]!.id)).toBe(0);
    const [assignment] = await worker.query<{ status: string }>("SELECT status FROM assignments WHERE id = ?", id);
    expect(assignment!.status).toBe("reported");
    // a general problem alerts nobody
    expect(worker.fake.messagesTo("ou_mgr_1")).toHaveLength(0);
  });

  it("a double click or a resent form never makes a second report", async () => {
    const id = await addAssignment("S001", "SCH002");
    const first = await submit("ou_sup_1", id, form());
    expect(first.answer.toast?.type).toBe("success");
    const before = await worker.snapshot();
    const again = await submit("ou_sup_1", id, form());
    expect(again.answer.toast).toMatchObject({ type: "success", content: "这份报告已经提交过了，无需重复提交。" });
    expect(again.answer.card).toBeDefined();
    const different = await submit("ou_sup_1", id, form({ findings: "另一份" }));
    expect(different.answer.toast?.type).toBe("error");
    expect(different.answer.card).toBeUndefined();
    await worker.settle();
    expect(await worker.snapshot()).toEqual(before);
    expect(await worker.count("reports", "assignment_id = ?", id)).toBe(1);
  });

  it("two clicks at the same moment still make one report", async () => {
    const id = await addAssignment("S002", "SCH003");
    const answers = await Promise.all([submit("ou_sup_2", id, form()), submit("ou_sup_2", id, form())]);
    expect(answers.map((a) => a.answer.toast?.type)).toEqual(["success", "success"]);
    expect(await worker.count("reports", "assignment_id = ?", id)).toBe(1);
    expect(await worker.count("report_versions", "report_id IN (SELECT id FROM reports WHERE assignment_id = ?)", id)).toBe(1);
  });

  it("a manager may report on the supervisor's behalf, and it is recorded as such", async () => {
    const id = await addAssignment("S003", "SCH005");
    const { answer } = await submit("ou_mgr_1", id, form());
    expect(answer.toast?.type).toBe("success");
    expect(JSON.stringify(answer.card?.data)).toContain("由 刘主任 代填");
    const [report] = await worker.query<Record<string, unknown>>("SELECT supervisor_code, submitted_by, on_behalf FROM reports WHERE assignment_id = ?", id);
    expect(report).toEqual({ supervisor_code: "S003", submitted_by: "M001", on_behalf: 1 });
    const [version] = await worker.query<Record<string, unknown>>("SELECT submitted_by, on_behalf FROM report_versions WHERE report_id = (SELECT id FROM reports WHERE assignment_id = ?)", id);
    expect(version).toEqual({ submitted_by: "M001", on_behalf: 1 });
  });

  it("a serious problem notifies the managers at once by direct message", async () => {
    const id = await addAssignment("S003", "SCH006");
    const { answer } = await submit(
      "ou_sup_3",
      id,
      form({ items_problem: ["hygiene"], p1_item: "hygiene", p1_desc: "食堂使用过期食材", p1_severity: "serious", p1_fixed: false, p1_deadline: `${addDays(today(), 7)} +0800` }),
    );
    expect(answer.toast?.type).toBe("success");
    const [report] = await worker.query<{ id: number }>("SELECT id FROM reports WHERE assignment_id = ?", id);
    const alerts = worker.fake.messagesTo("ou_mgr_1");
    expect(alerts).toHaveLength(1);
    const text = FakeFeishu.textOf(alerts[0]!);
    expect(text).toContain("严重问题上报");
    expect(text).toContain("东港区新营小学");
    expect(text).toContain("食堂使用过期食材");
    // The alert is named by the problem's content since issue #14 (was its slot number), so an edit cannot repeat it.
    expect(await worker.count("outbox", "ref LIKE ?", `problem:${report!.id}:serious:%:M001`)).toBe(1);
  });

  it("an edit before the digest saves a new version; after the office digest it is refused", async () => {
    const id = await addAssignment("S001", "SCH003");
    await submit("ou_sup_1", id, form());
    const [report] = await worker.query<{ id: number }>("SELECT id FROM reports WHERE assignment_id = ?", id);
    const reportId = report!.id;

    const opened = await worker.click("ou_sup_1", { action: "edit_report", report_id: reportId });
    const editForm = JSON.stringify(opened.answer.card?.data);
    expect(editForm).toContain("修改走访报告");
    expect(editForm).toContain('"report_id":' + reportId);
    expect(editForm).toContain("整体良好");

    const saved = await worker.click("ou_sup_1", { action: "submit_report", form: 2, report_id: reportId, version: 1 }, form({ findings: "补充：午餐抽查" }));
    expect(saved.answer.toast).toMatchObject({ type: "success", content: "修改已保存。" });
    const [row] = await worker.query<{ version: number; data: string }>("SELECT version, data FROM reports WHERE id = ?", reportId);
    expect(row!.version).toBe(2);
    expect(JSON.parse(row!.data).findings).toBe("补充：午餐抽查");
    const versions = await worker.query<{ version: number; data: string; submitted_at: number }>("SELECT version, data, submitted_at FROM report_versions WHERE report_id = ? ORDER BY version", reportId);
    expect(versions.map((v) => [v.version, JSON.parse(v.data).findings])).toEqual([
      [1, "整体良好"],
      [2, "补充：午餐抽查"],
    ]);
    expect(versions.every((v) => v.submitted_at > 0)).toBe(true);

    await worker.query("INSERT INTO digests (week, scope, sent_at) VALUES (?, 'office', ?)", week(), Date.now());
    const before = await worker.snapshot();
    const refusedOpen = await worker.click("ou_sup_1", { action: "edit_report", report_id: reportId });
    expect(refusedOpen.answer.toast?.type).toBe("error");
    expect(refusedOpen.answer.card).toBeUndefined();
    const refusedSave = await worker.click("ou_sup_1", { action: "submit_report", form: 2, report_id: reportId, version: 2 }, form({ findings: "太晚了" }));
    expect(refusedSave.answer.toast).toMatchObject({ type: "error", content: "该周的周报已经发送，不能再填报或修改。" });
    expect(refusedSave.answer.card).toBeUndefined();
    expect(await worker.snapshot()).toEqual(before);
    await worker.query("DELETE FROM digests WHERE week = ?", week());
  });

  it("the weekly card's button sends the form to the supervisor's direct chat, in English for English readers", async () => {
    await worker.query("UPDATE people SET lang = 'en' WHERE code = 'S002'");
    const id = await addAssignment("S002", "SCH004");
    const { answer } = await worker.click("ou_sup_2", { action: "open_report", assignment_id: id });
    expect(answer.toast?.type).toBe("info");
    const sent = worker.fake.messagesTo("ou_sup_2");
    expect(sent).toHaveLength(1);
    const text = FakeFeishu.textOf(sent[0]!);
    expect(text).toContain("Visit report · 阳光幼儿园");
    expect(text).toContain("Campus and traffic safety");
    await worker.query("UPDATE people SET lang = 'zh' WHERE code = 'S002'");
  });

  it("补报 sends a form for a visit outside the plan; its report has no assignment and one card makes one report", async () => {
    const { texts, messageId } = await worker.say("ou_sup_1", "补报 第一中学");
    expect(texts.join("\n")).toContain("走访报告 · 日照市第一中学");
    expect(texts.join("\n")).toContain("计划外走访");
    const value = { action: "submit_report", form: 2, school_code: "SCH002", form_id: messageId, topic: null };
    const first = await worker.click("ou_sup_1", value, form({ visit_kind: "complaint" }));
    expect(first.answer.toast?.type).toBe("success");
    const again = await worker.click("ou_sup_1", value, form({ visit_kind: "complaint" }));
    expect(again.answer.toast?.content).toBe("这份报告已经提交过了，无需重复提交。");
    const rows = await worker.query<Record<string, unknown>>("SELECT assignment_id, supervisor_code, kind, week FROM reports WHERE submission_key = ?", `extra:${messageId}`);
    expect(rows).toEqual([{ assignment_id: null, supervisor_code: "S001", kind: "complaint", week: week() }]);

    const notMine = await worker.say("ou_sup_1", "补报 SCH005");
    expect(notMine.texts.join("\n")).toContain("不是您挂牌督导的学校");
  });

  it("补报 asked in a group sends the form to the asker's direct chat only; the group gets one line", async () => {
    const since = worker.fake.messages.length;
    const { texts } = await worker.say("ou_sup_1", "补报 第一中学", { chatType: "group" });
    expect(texts).toEqual(["填报表单已发到您与督学助手的单聊。"]);
    const direct = worker.fake.messages.slice(since).filter((m) => m.chatId === "oc_p2p_ou_sup_1");
    expect(direct).toHaveLength(1);
    expect(JSON.stringify(direct[0]!.content)).toContain("走访报告 · 日照市第一中学");
    expect(JSON.stringify(worker.fake.messages.slice(since).filter((m) => m.chatId !== "oc_p2p_ou_sup_1").map((m) => m.content))).not.toContain("走访报告");
  });
});
