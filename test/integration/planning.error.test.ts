import { beforeEach, describe, expect, it } from "vitest";
import { addDays, addWeeks, currentWeek, weekStart } from "../../src/domain/time.ts";
import { useWorker } from "../support/use-worker.ts";

/** Bad input to the planning commands gets a clear answer and changes nothing. */
describe("planning commands: refusals", () => {
  let before: Record<string, number>;
  // the Shanghai week when the file's scenario is set up (not at the file's load, which may be long before)
  let thisWeek: string;
  let nextWeek: string;
  let breakWeek: string;

  const worker = useWorker({
    roster: true,
    setup: async () => {
      thisWeek = currentWeek(Date.now(), "Asia/Shanghai");
      nextWeek = addWeeks(thisWeek, 1);
      breakWeek = addWeeks(thisWeek, 3);
      await worker.query(
        "INSERT INTO people (code, name, role, zone_code, open_id, lang, active, created_at, updated_at) VALUES ('S005', '赵无校', 'supervisor', 'Z02', 'ou_sup_5', 'zh', 1, 0, 0)",
      );
      // a break three weeks ahead, set by the manager
      const monday = weekStart(breakWeek);
      const { texts } = await worker.say("ou_mgr_1", `校历 添加 假期 ${monday} ${addDays(monday, 4)} 测试假期`);
      expect(texts[0]).toContain("已添加");
      const sent = await worker.say("ou_mgr_1", `排班 发送 ${nextWeek}`);
      expect(sent.texts[0]).toContain("已发送");
    },
  });
  beforeEach(async () => {
    await worker.settle();
    before = await worker.snapshot();
  });

  async function expectRefused(openId: string, text: string, answer: string) {
    const { texts } = await worker.say(openId, text);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(answer);
    const after = await worker.snapshot();
    expect({ ...after, outbox: 0, processed_events: 0 }).toEqual({ ...before, outbox: 0, processed_events: 0 });
  }

  it("move: unknown or ambiguous school, someone else's school, missing reason, oversized reason", async () => {
    await expectRefused("ou_sup_1", `调整 不存在的学校 ${nextWeek} 培训`, "没有找到学校「不存在的学校」");
    await expectRefused("ou_sup_1", `调整 实验小学 ${nextWeek} 培训`, "对应多所学校");
    await expectRefused("ou_sup_3", `调整 SCH001 ${nextWeek} 培训`, "不是您的挂牌学校");
    await expectRefused("ou_sup_1", `调整 SCH001 ${nextWeek}`, "用法");
    await expectRefused("ou_sup_1", `调整 SCH001 ${nextWeek} ${"长".repeat(201)}`, "原因太长");
  });

  it("move: a week in the past, a week with no school days, a week that is not a week", async () => {
    await expectRefused("ou_sup_1", `调整 SCH001 ${addWeeks(thisWeek, -2)} 培训`, "已经过去");
    await expectRefused("ou_sup_1", `调整 SCH001 ${breakWeek} 培训`, "不在上课时间内");
    await expectRefused("ou_sup_1", "调整 SCH001 明年某天 培训", "无法识别周次");
  });

  it("plan: a week outside the term, a past week, an unknown zone; other roles are refused", async () => {
    await expectRefused("ou_mgr_1", `排班 ${breakWeek}`, "不在上课时间内");
    await expectRefused("ou_mgr_1", `排班 发送 ${addWeeks(thisWeek, -1)}`, "已经过去");
    await expectRefused("ou_mgr_1", `排班 ${nextWeek} Z99`, "没有编号为「Z99」的责任区");
    await expectRefused("ou_sup_1", "排班", "只有管理员");
    await expectRefused("ou_contact_1", "本周", "只有管理员");
    await expectRefused("ou_sup_1", "校历 添加 假期 2027-01-25 2027-02-21", "只有管理员");
  });

  it("leave: a date in the past, a bad date, end before start, an overlap with registered leave", async () => {
    await expectRefused("ou_sup_1", "请假 2020-01-01 2020-01-03 培训", "已经过去");
    await expectRefused("ou_sup_1", "请假 明年 后年", "无法识别日期");
    await expectRefused("ou_sup_1", "请假 2099-01-10 2099-01-03", "结束日期早于开始日期");
    const ok = await worker.say("ou_sup_1", "请假 2099-03-02 2099-03-06 培训");
    expect(ok.texts[0]).toContain("已登记 王建国 的请假");
    before = await worker.snapshot();
    await expectRefused("ou_sup_1", "请假 2099-03-05 2099-03-10 另一个培训", "重叠");
    await expectRefused("ou_mgr_1", "请假 S999 2099-03-05 2099-03-10", "没有编号为「S999」");
  });

  it("week: a supervisor with no schools is told so", async () => {
    await expectRefused("ou_sup_5", "本周", "您名下没有挂牌学校");
  });

  it("calendar and topics: bad kinds, reversed dates, bad months, unknown ids", async () => {
    await expectRefused("ou_mgr_1", "校历 添加 派对 2027-01-25 2027-02-21", "类型应为");
    await expectRefused("ou_mgr_1", "校历 添加 假期 2027-02-21 2027-01-25", "结束日期早于开始日期");
    await expectRefused("ou_mgr_1", "校历 删除 99999", "没有编号为「99999」");
    await expectRefused("ou_mgr_1", "校历 导入 break,寒假,2027-13-01,2027-02-21", "未导入任何内容");
    await expectRefused("ou_mgr_1", "专项 13月 校园安全", "无法识别月份");
  });

  it("move: a colleague who took over a visit may move it; a supervisor with no visit there may not", async () => {
    const week = addWeeks(thisWeek, 5);
    const target = addWeeks(thisWeek, 6);
    const [row] = await worker.query<{ id: number }>(
      "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, note, created_at, updated_at) VALUES (?, 'S002', 'SCH008', 'routine', 'planned', 'substitute_for:S004', 0, 0) RETURNING id",
      week,
    );
    await worker.query("DELETE FROM assignments WHERE school_code = 'SCH008' AND id <> ?", row!.id);
    before = await worker.snapshot();
    await expectRefused("ou_sup_1", `调整 SCH008 ${target} 培训`, "不是您的挂牌学校");
    const { texts } = await worker.say("ou_sup_2", `调整 SCH008 ${target} 参加培训`);
    expect(texts[0]).toContain(`调整到 ${target}`);
    expect(await worker.query("SELECT status, moved_to_week FROM assignments WHERE id = ?", row!.id)).toEqual([{ status: "moved", moved_to_week: target }]);
    expect(await worker.query("SELECT supervisor_code, note FROM assignments WHERE week = ? AND school_code = 'SCH008' AND status = 'planned'", target)).toEqual([
      { supervisor_code: "S002", note: `moved_from:${week}` },
    ]);
  });

  it("a visit moved by its supervisor leaves the old week and appears in the new one", async () => {
    const [row] = await worker.query<{ school_code: string }>("SELECT school_code FROM assignments WHERE week = ? AND supervisor_code = 'S001' AND status = 'planned' LIMIT 1", nextWeek);
    const target = addWeeks(thisWeek, 2);
    const { texts } = await worker.say("ou_sup_1", `调整 ${row!.school_code} ${target} 参加培训`);
    expect(texts[0]).toContain(`调整到 ${target}`);
    expect(await worker.count("assignments", "week = ? AND school_code = ? AND status = 'moved' AND moved_to_week = ?", nextWeek, row!.school_code, target)).toBe(1);
    expect(await worker.count("assignments", "week = ? AND school_code = ? AND status = 'planned'", target, row!.school_code)).toBe(1);
    // the target week's plan keeps it and adds no second visit to that school
    const preview = await worker.say("ou_mgr_1", `排班 ${target}`);
    expect(preview.texts[0]!.match(new RegExp(row!.school_code === "SCH001" ? "日照市实验小学（" : "日照市第一中学（", "g"))?.length).toBe(1);
  });
});
