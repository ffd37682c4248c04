import { beforeEach, describe, expect, it } from "vitest";
import { addDays, currentWeek, localDate } from "../../src/domain/time.ts";
import { useWorker } from "../support/use-worker.ts";
import { expectRefusalAnswer } from "../support/refusal.ts";

/** Every refusal of a report submission: an error toast, no card (the form stays as typed), nothing stored, nothing sent. */
describe("visit reports: bad input and strangers", () => {
  let before: Record<string, number>;
  let assignmentId: number;
  const TZ = "Asia/Shanghai";
  const week = () => currentWeek(Date.now(), TZ);
  const today = () => localDate(Date.now(), TZ);

  async function addAssignment(supervisor: string, school: string, status = "planned"): Promise<number> {
    const [row] = await worker.query<{ id: number }>(
      "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?, ?, ?, 'routine', ?, ?, ?) RETURNING id",
      week(),
      supervisor,
      school,
      status,
      Date.now(),
      Date.now(),
    );
    return row!.id;
  }

  function form(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const base: Record<string, unknown> = { visit_date: `${today()} +0800`, visit_kind: "routine", m_document_review: "1", findings: "整体良好" };
    return { ...base, ...overrides };
  }

  const worker = useWorker({
    roster: true,
    setup: async () => {
      assignmentId = await addAssignment("S001", "SCH001");
    },
  });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
    before = await worker.snapshot();
  });

  async function expectRefused(answer: { toast?: { type: string; content: string }; card?: unknown }, content?: string | RegExp) {
    // a refusal, not a crash: its words (never the internal-error toast), no card, and no error logged in this file
    expectRefusalAnswer(worker, 0, answer, content ?? /\S/);
    if (typeof content === "string") expect(answer.toast?.content).toBe(content);
    await worker.settle();
    expect(await worker.snapshot()).toEqual(before);
    expect(worker.fake.messages).toEqual([]);
  }

  const submit = (formValue: Record<string, unknown>, openId = "ou_sup_1", value: Record<string, unknown> = {}) =>
    worker.click(openId, { action: "submit_report", form: 2, assignment_id: assignmentId, ...value }, formValue);

  it("text over 1,000 characters", async () => {
    const { answer } = await submit(form({ findings: "长".repeat(1001) }));
    await expectRefused(answer, "「督导发现」超过 1000 字，请精简后再提交。");
  });

  it("a date outside the assigned week ± 7 days", async () => {
    const { answer } = await submit(form({ visit_date: `${addDays(today(), -30)} +0800` }));
    await expectRefused(answer, /^走访日期须在 \d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2} 之间。$/);
  });

  it("a date in the future", async () => {
    const { answer } = await submit(form({ visit_date: `${addDays(today(), 1)} +0800` }));
    await expectRefused(answer, /^走访日期须在/);
  });

  it("a missing required answer, an item both with a problem and not checked", async () => {
    const incomplete = form();
    delete incomplete.visit_kind;
    await expectRefused((await submit(incomplete)).answer, "请填写「走访类型」。");
    const both = form({ items_problem: ["safety", "hygiene"], items_unchecked: ["safety"] });
    await expectRefused((await submit(both)).answer, "「校园及周边安全、学生交通安全」不能既选为有问题（未达标）又选为未检查。");
  });

  it("no method used", async () => {
    const { answer } = await submit(form({ m_document_review: "0" }));
    await expectRefused(answer, "请至少填写一种督导方式的次数。");
  });

  it("a problem not fixed on the spot without a deadline", async () => {
    const { answer } = await submit(form({ p1_item: "safety", p1_desc: "围墙破损", p1_severity: "general", p1_fixed: false }));
    await expectRefused(answer, "问题 1：请填写「整改期限」。");
  });

  it("malformed values", async () => {
    await expectRefused((await submit(form({ visit_kind: "party" }))).answer, "「走访类型」的内容无法识别，请重新选择或填写。");
    await expectRefused((await submit(form({ items_problem: "safety" }))).answer);
    await expectRefused((await submit(form({ item_safety: "normal" }))).answer, "这张表单是旧版本，请重新打开填报表单。");
    await expectRefused((await submit(form({ m_document_review: { n: 1 } }))).answer);
  });

  it("malformed card values (an id that is an array, a boolean, not a number) are refused by every report action", async () => {
    const expired = "这张卡片已失效，请重新发送命令获取最新卡片。";
    for (const bad of [[assignmentId], true, `${assignmentId}abc`, { id: assignmentId }, -1]) {
      await expectRefused((await submit(form(), "ou_sup_1", { assignment_id: bad })).answer);
      await expectRefused((await worker.click("ou_sup_1", { action: "open_report", assignment_id: bad })).answer);
      await expectRefused((await worker.click("ou_sup_1", { action: "edit_report", report_id: bad })).answer);
    }
    const answer = (await submit(form(), "ou_sup_1", { assignment_id: [assignmentId] })).answer;
    expect(answer.toast?.content).toBe(expired);
  });

  it("a card of an older version with unknown field names", async () => {
    await expectRefused((await submit(form({ item_discipline: "normal" }))).answer, "这张表单是旧版本，请重新打开填报表单。");
    await expectRefused((await submit(form(), "ou_sup_1", { form: 0 })).answer, "这张表单是旧版本，请重新打开填报表单。");
  });

  it("an assignment that no longer exists", async () => {
    const { answer } = await submit(form(), "ou_sup_1", { assignment_id: 999_999 });
    await expectRefused(answer, "这次走访安排已不存在，无法填报。");
  });

  it("a cancelled assignment", async () => {
    const cancelled = await addAssignment("S001", "SCH002", "cancelled");
    before = await worker.snapshot();
    const { answer } = await submit(form(), "ou_sup_1", { assignment_id: cancelled });
    await expectRefused(answer, "这次走访安排已取消，无法填报。");
    const opened = await worker.click("ou_sup_1", { action: "open_report", assignment_id: cancelled });
    await expectRefused(opened.answer, "这次走访安排已取消，无法填报。");
  });

  it("another supervisor's submission is refused", async () => {
    const { answer } = await submit(form(), "ou_sup_2");
    await expectRefused(answer, "这次走访不是安排给您的，您不能填报。");
    const opened = await worker.click("ou_sup_2", { action: "open_report", assignment_id: assignmentId });
    await expectRefused(opened.answer, "这次走访不是安排给您的，您不能填报。");
  });

  it("a school contact and someone not on the roster are refused", async () => {
    await expectRefused((await submit(form(), "ou_contact_1")).answer, "这次走访不是安排给您的，您不能填报。");
    await expectRefused((await submit(form(), "ou_stranger")).answer);
  });

  it("a stranger cannot edit someone else's report", async () => {
    const own = await addAssignment("S002", "SCH004");
    const { answer } = await worker.click("ou_sup_2", { action: "submit_report", form: 2, assignment_id: own }, form());
    expect(answer.toast?.type).toBe("success");
    const [report] = await worker.query<{ id: number }>("SELECT id FROM reports WHERE assignment_id = ?", own);
    await worker.settle();
    worker.fake.reset();
    before = await worker.snapshot();
    await expectRefused((await worker.click("ou_sup_1", { action: "edit_report", report_id: report!.id })).answer, "这份报告不是您的，您不能修改。");
    await expectRefused(
      (await worker.click("ou_sup_1", { action: "submit_report", form: 2, report_id: report!.id, version: 1 }, form({ findings: "改掉" }))).answer,
      "这份报告不是您的，您不能修改。",
    );
    // an edit from a form built on an older version is refused too
    await expectRefused(
      (await worker.click("ou_sup_2", { action: "submit_report", form: 2, report_id: report!.id, version: 7 }, form({ findings: "旧表单" }))).answer,
      "报告已在别处被修改，请重新打开报告后再改。",
    );
  });

  it("补报 of a school outside one's own and an unknown school change nothing", async () => {
    const notMine = await worker.say("ou_sup_1", "补报 SCH007");
    expect(notMine.texts.join("\n")).toContain("不是您挂牌督导的学校");
    const unknown = await worker.say("ou_sup_1", "补报 火星小学");
    expect(unknown.texts.join("\n")).toContain("没有找到学校「火星小学」");
    const oversized = await worker.say("ou_sup_1", `补报 ${"火".repeat(3000)}`);
    expect(oversized.texts).toHaveLength(1);
    expect(oversized.texts[0]).toContain("没有找到学校");
    expect(oversized.texts[0]!.length).toBeLessThan(200);
    const contact = await worker.say("ou_contact_1", "补报 SCH001");
    expect(contact.texts.join("\n")).toContain("抱歉");
    // a forged extra form for someone else's school is refused
    const forged = await worker.click("ou_sup_1", { action: "submit_report", form: 2, school_code: "SCH007", form_id: "om_forged", topic: null }, form());
    expectRefusalAnswer(worker, 0, forged.answer, /\S/);
    expect(await worker.count("reports", "submission_key = 'extra:om_forged'")).toBe(0);
  });
});
