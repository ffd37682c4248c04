import { describe, expect, it } from "vitest";
import { unzipSync } from "fflate";
import { isoWeekOf, localDate } from "../../src/domain/time.ts";
import { readWorkbook } from "../../src/xlsx/workbook.ts";
import { useWorker } from "../support/use-worker.ts";

/** `导出` / `export`: a manager gets an Excel (or, with `csv`, a CSV) file message with the rows of a date range. */
describe("CSV export", () => {
  // the moment the rows are written (in setup, not at the file's load: "this month" and "this week" are the Worker's at the test)
  let now: number;
  let week: string;

  const worker = useWorker({
    roster: true,
    setup: async () => {
      now = Date.now();
      week = isoWeekOf(localDate(now, "Asia/Shanghai"));
      await worker.query(
        `INSERT INTO orders (number, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, updated_at)
         VALUES ('督办〔2026〕1号', 'order', 2026, 1, 'SCH001', '=HYPERLINK("http://evil") 围墙, "破损"', '2099-01-01', 'issued', 'M001', ?1, ?1)`,
        now,
      );
      await worker.query(
        `INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?1, 'S001', 'SCH001', 'routine', 'planned', ?2, ?2)`,
        week,
        now,
      );
    },
  });

  function csvOf(index = -1) {
    const message = worker.fake.messages.filter((m) => m.msgType === "file").at(index)!;
    const upload = worker.fake.uploadOf(message)!;
    return { message, upload, text: new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(upload.bytes) };
  }

  it("sends this month's orders as an Excel workbook: same columns, dates as dates, text never a formula", async () => {
    const { texts } = await worker.say("ou_mgr_1", "导出 督办单");
    expect(texts[0]).toMatch(/^已导出督导文书 1 行（\d{4}-\d{2}-01 至 \d{4}-\d{2}-\d{2}），文件随后发送。$/);
    const message = worker.fake.messages.filter((m) => m.msgType === "file").at(-1)!;
    const upload = worker.fake.uploadOf(message)!;
    expect(upload.name).toMatch(/^督导文书_\d{4}-\d{2}-01_\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(upload.type).toBe("xls");
    const [sheet, ...others] = await readWorkbook(upload.bytes);
    expect(others).toHaveLength(0);
    expect(sheet!.name).toBe("督导文书");
    expect(sheet!.rows[0]).toEqual(["编号", "类型", "学校编号", "学校", "责任区编号", "责任区", "状态", "下发日期", "整改期限", "销号日期", "下发人", "内容"]);
    const row = sheet!.rows[1]!;
    expect(row.slice(0, 7)).toEqual(["督办〔2026〕1号", "督办单", "SCH001", "日照市实验小学", "Z01", "市第一责任区", "已下发"]);
    expect(row[7]).toBeInstanceOf(Date);
    expect((row[7] as Date).toISOString().slice(0, 10)).toBe(localDate(now, "Asia/Shanghai"));
    expect((row[8] as Date).toISOString().slice(0, 10)).toBe("2099-01-01");
    expect(row[9]).toBeNull();
    expect(row[11]).toBe('=HYPERLINK("http://evil") 围墙, "破损"');
    // stored as a text cell, never as a formula
    const files = unzipSync(upload.bytes);
    const sheetXml = new TextDecoder().decode(Object.entries(files).find(([name]) => /^xl\/worksheets\/sheet1\.xml$/.test(name))![1]);
    expect(sheetXml).not.toMatch(/<f[ >]/);
  });

  it("sends this month's orders as a CSV file that opens safely in Excel", async () => {
    const { texts } = await worker.say("ou_mgr_1", "导出 督办单 csv");
    expect(texts[0]).toMatch(/^已导出督导文书 1 行（\d{4}-\d{2}-01 至 \d{4}-\d{2}-\d{2}），文件随后发送。$/);
    const { message, upload, text } = csvOf();
    expect(message).toMatchObject({ receiveIdType: "open_id", receiveId: "ou_mgr_1" });
    expect(upload.name).toMatch(/^督导文书_\d{4}-\d{2}-01_\d{4}-\d{2}-\d{2}\.csv$/);
    expect(upload.type).toBe("stream");
    expect(text.startsWith("\uFEFF编号,类型,学校编号,学校,")).toBe(true);
    const row = text.split("\r\n")[1]!;
    expect(row).toContain("督办〔2026〕1号,督办单,SCH001,日照市实验小学,Z01,市第一责任区,已下发,");
    expect(row).toContain(`"'=HYPERLINK(""http://evil"") 围墙, ""破损"""`);
  });

  it("exports the week's visits in English for an English-speaking manager", async () => {
    await worker.query("UPDATE people SET lang = 'en' WHERE code = 'M001'");
    const { texts } = await worker.say("ou_mgr_1", "export visits csv").finally(() => worker.query("UPDATE people SET lang = 'zh' WHERE code = 'M001'"));
    expect(texts[0]).toMatch(/^Exported 1 visit rows/);
    const { text } = csvOf();
    expect(text.split("\r\n")[0]).toBe("\uFEFFweek,supervisor_code,supervisor,school_code,school,zone_code,reason,topic,status,note");
    expect(text.split("\r\n")[1]).toMatch(new RegExp(`^${week},S001,王建国,SCH001,日照市实验小学,Z01,[^,]+,,[^,]+,$`));
  });

  it("exports a range's visit reports with their problem counts and findings", async () => {
    const [report] = await worker.query<{ id: number }>(
      `INSERT INTO reports (school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, on_behalf, submission_key, created_at, updated_at)
       VALUES ('SCH001', 'S001', '2026-W24', '2026-06-15', 'routine', '{"findings":"护栏松动"}', 2, 'M001', 1, 'export-test', ?1, ?1) RETURNING id`,
      now,
    );
    const reportId = report!.id;
    await worker.query(
      `INSERT INTO problems (report_id, school_code, week, item, description, severity, fixed_on_spot, created_at)
       VALUES (?1, 'SCH001', '2026-W24', 'safety', '护栏', 'serious', 0, ?2), (?1, 'SCH001', '2026-W24', 'hygiene', '地面', 'minor', 1, ?2)`,
      reportId,
      now,
    );
    const { texts } = await worker.say("ou_mgr_1", "导出 报告 2026-06-01 2026-06-30 csv");
    expect(texts[0]).toBe("已导出督导报告 1 行（2026-06-01 至 2026-06-30），文件随后发送。");
    const { text } = csvOf();
    expect(text.split("\r\n")[0]).toBe("\uFEFF报告编号,周,督导日期,学校编号,学校,督学编号,督学,督导类型,版本,代为填报,填报人,问题数,严重问题数,督导发现");
    expect(text.split("\r\n")[1]).toBe(`${reportId},2026-W24,2026-06-15,SCH001,日照市实验小学,S001,王建国,常规督导,2,是,M001,2,1,护栏松动`);
  });

  it("refuses supervisors, groups, unknown kinds, bad and reversed dates, sending nothing", async () => {
    const files = () => worker.fake.messages.filter((m) => m.msgType === "file").length;
    const before = files();
    expect((await worker.say("ou_sup_1", "导出 报告")).texts[0]).toContain("只有管理员可以使用「导出」");
    // Was refused in a group; private commands now answer by direct message (issue #14): the group hears only that.
    expect((await worker.say("ou_mgr_1", "导出 报告 2026-01-01 2026-01-31", { chatType: "group" })).texts).toEqual(["已私信发送给您。"]);
    expect((await worker.say("ou_mgr_1", "导出 学生")).texts[0]).toContain("用法：导出 督办单|报告|任务");
    expect((await worker.say("ou_mgr_1", "导出 学生 csv")).texts[0]).toContain("用法：导出 督办单|报告|任务");
    expect((await worker.say("ou_mgr_1", "导出 报告 2026-13-01")).texts[0]).toContain("无法识别日期「2026-13-01」");
    expect((await worker.say("ou_mgr_1", "导出 报告 2026-11-30 2026-11-01")).texts[0]).toBe("开始日期晚于结束日期。");
    expect((await worker.say("ou_mgr_1", "导出 报告 2020-01-01 2026-01-01")).texts[0]).toContain("一次最多导出一年");
    expect((await worker.say("ou_mgr_1", "导出 报告 2026-01-01 2026-01-31")).texts[0]).toBe("2026-01-01 至 2026-01-31 没有督导报告可导出。");
    expect(files()).toBe(before);
  });
});
