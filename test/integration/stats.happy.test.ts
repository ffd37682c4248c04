import { describe, expect, it } from "vitest";
import { seededRandom } from "../../scripts/lib/seeded-random.ts";
import { ROUTINE_ITEMS } from "../../src/domain/report-form.ts";
import { addDays, weekStart } from "../../src/domain/time.ts";
import { readWorkbook } from "../../src/xlsx/workbook.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";

/**
 * `统计` over a generated spring term (2026-03-02 – 2026-04-26, weeks W10–W17) on the fixture roster
 * (8 schools in Z01/Z02, supervisors S001–S004): random visits, reports, problems with their
 * rectification items, and documents, plus rows just outside the term that must not count. The term's
 * card must show the sums of the eight weekly digests (`周报 2026-W10` … `W17`), and the workbook
 * the same numbers.
 */

const TERM_WEEKS = ["2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14", "2026-W15", "2026-W16", "2026-W17"];
const OUTSIDE = ["2026-W09", "2026-W18"];
const SCHOOLS = ["SCH001", "SCH002", "SCH003", "SCH004", "SCH005", "SCH006", "SCH007", "SCH008"];
const SUPERVISOR: Record<string, string> = { SCH001: "S001", SCH002: "S001", SCH003: "S002", SCH004: "S002", SCH005: "S003", SCH006: "S003", SCH007: "S004", SCH008: "S004" };
const TOPICS = ["校园安全", "五项管理"];
const SHANGHAI = 8 * 3_600_000;
/** epoch ms of a local (Shanghai) date at an hour */
const at = (date: string, hour = 10) => Date.parse(`${date}T00:00:00Z`) - SHANGHAI + hour * 3_600_000;

const expected = { onTime: 0, reports: 0, complaint: 0, coveredSchools: 0 };

async function generateTerm() {
  const random = seededRandom(16);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const statements: [string, unknown[]][] = [];
  let reportId = 0;
  let orderSeq = 0;
  const visitedMonths = new Map<string, Set<string>>();
  const addOrder = (kind: string, school: string, issuedAt: number, due: string, problemId: number | null) => {
    const seq = ++orderSeq;
    const roll = random();
    const status = roll < 0.3 ? "issued" : roll < 0.45 ? "acknowledged" : roll < 0.55 ? "reported" : roll < 0.9 ? "closed" : "cancelled";
    const closedAt = status === "closed" ? issuedAt + Math.floor(random() * 40) * 86_400_000 : null;
    const updatedAt = closedAt ?? issuedAt + Math.floor(random() * 30) * 86_400_000;
    const acknowledgedAt = status !== "issued" && status !== "cancelled" ? issuedAt + 86_400_000 : null;
    statements.push([
      `INSERT INTO orders (id, number, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, problem_id, acknowledged_at, closed_at, updated_at)
       VALUES (?, ?, ?, 2026, ?, ?, '请整改', ?, ?, 'M001', ?, ?, ?, ?, ?)`,
      [seq, `文书〔2026〕${seq}号`, kind, seq, school, due, status, issuedAt, problemId, acknowledgedAt, closedAt, updatedAt],
    ]);
    if (random() < 0.2) statements.push(["INSERT INTO order_events (order_id, at, actor_code, action) VALUES (?, ?, 'M001', 'extended')", [seq, issuedAt + 3 * 86_400_000]]);
    return seq;
  };

  let problemId = 0;
  for (const week of [...OUTSIDE, ...TERM_WEEKS]) {
    const monday = weekStart(week);
    const inTerm = TERM_WEEKS.includes(week);
    for (const school of SCHOOLS) {
      const roll = random();
      const status = roll < 0.55 ? "reported" : roll < 0.75 ? "missed" : roll < 0.82 ? "planned" : roll < 0.92 ? "moved" : "cancelled";
      const note = status === "moved" ? (random() < 0.6 ? "carried_over" : "moved") : null;
      const assignmentId = statements.length + 1000;
      statements.push([
        "INSERT INTO assignments (id, week, supervisor_code, school_code, reason, status, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)",
        [assignmentId, week, SUPERVISOR[school], school, pick(["routine", "routine", "follow_up", "special_topic"]), status, note],
      ]);
      if (status !== "reported") continue;
      // most visits inside their week, some reported a few days late
      const late = random() < 0.2;
      const visitDate = addDays(monday, late ? 7 + Math.floor(random() * 3) : Math.floor(random() * 5));
      const id = ++reportId;
      statements.push([
        `INSERT INTO reports (id, assignment_id, school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, submission_key, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, '{}', 1, ?, ?, 0, 0)`,
        [id, assignmentId, school, SUPERVISOR[school], week, visitDate, pick(["routine", "routine", "follow_up", "special_topic"]), SUPERVISOR[school], `k${id}`],
      ]);
      if (inTerm) {
        expected.reports++;
        if (!late) expected.onTime++;
        if (visitDate <= "2026-04-26") {
          if (!visitedMonths.has(school)) visitedMonths.set(school, new Set());
          visitedMonths.get(school)!.add(visitDate.slice(0, 7));
        }
      }
      for (let n = Math.floor(random() * 3); n > 0; n--) {
        const item = random() < 0.2 ? "topic" : pick(ROUTINE_ITEMS);
        const fixed = random() < 0.4;
        const deadline = fixed ? null : addDays(visitDate, 3 + Math.floor(random() * 30));
        const pid = ++problemId;
        statements.push([
          "INSERT INTO problems (id, report_id, school_code, week, item, topic, description, severity, fixed_on_spot, deadline, created_at) VALUES (?, ?, ?, ?, ?, ?, '问题', ?, ?, ?, 0)",
          [pid, id, school, week, item, item === "topic" ? pick(TOPICS) : null, pick(["minor", "general", "serious"]), fixed ? 1 : 0, deadline],
        ]);
        if (!fixed) {
          const orderId = addOrder("rectification_item", school, at(visitDate, 18), deadline!, pid);
          statements.push(["UPDATE problems SET order_id = ? WHERE id = ?", [orderId, pid]]);
        }
      }
    }
    // an unplanned complaint check now and then
    if (random() < 0.5) {
      const school = pick(SCHOOLS);
      const id = ++reportId;
      const visitDate = addDays(monday, 2);
      statements.push([
        `INSERT INTO reports (id, assignment_id, school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, submission_key, created_at, updated_at)
         VALUES (?, NULL, ?, ?, ?, ?, 'complaint', '{}', 1, 'M001', ?, 0, 0)`,
        [id, school, SUPERVISOR[school], week, visitDate, `k${id}`],
      ]);
      if (inTerm) {
        expected.reports++;
        expected.complaint++;
        if (!visitedMonths.has(school)) visitedMonths.set(school, new Set());
        visitedMonths.get(school)!.add(visitDate.slice(0, 7));
      }
    }
    // documents issued during the week (and one just before midnight of its Sunday)
    for (let n = Math.floor(random() * 3); n > 0; n--) {
      const issued = at(addDays(monday, Math.floor(random() * 7)), n === 1 ? 23 : 9);
      addOrder(pick(["notice", "bulletin", "order", "rectification"]), pick(SCHOOLS), issued, addDays(monday, Math.floor(random() * 40) - 5), null);
    }
  }
  expected.coveredSchools = [...visitedMonths.values()].filter((months) => months.has("2026-03") && months.has("2026-04")).length;
  const d1 = await worker.d1();
  await d1.batch(statements.map(([sql, params]) => d1.prepare(sql).bind(...params)));
}

const num = (text: string, pattern: RegExp): number => {
  const match = pattern.exec(text);
  if (!match) throw new Error(`no ${pattern} in:\n${text}`);
  return Number(match[1]);
};

/** The numbers a digest card shows (zero for the parts an empty section leaves out). */
function digestNumbers(text: string) {
  const visits = /计划 (\d+) 次 · 已报告 (\d+) 次（完成率 [^）]+）· 未完成 (\d+) 次 · 顺延 (\d+) 次/.exec(text);
  const problems = /\*\*发现问题\*\* 共 (\d+) 个（严重 (\d+) · 一般 (\d+) · 轻微 (\d+)）/.exec(text);
  const orders = /本周下发 (\d+) 件 · 本周销号 (\d+) 件 · 未结 (\d+) 件 · 逾期 (\d+) 件 · 逾期超过14天 (\d+) 件/.exec(text);
  const items = new Map<string, number>();
  const itemLine = /按常规项目：(.+)/.exec(text)?.[1] ?? "";
  const topicLine = /按专项：(.+)/.exec(text)?.[1] ?? "";
  for (const part of itemLine ? itemLine.split("；") : []) {
    const [, name, n] = /^(.*)（(\d+)）$/.exec(part)!;
    items.set(name!, Number(n));
  }
  let topics = 0;
  for (const part of topicLine ? topicLine.split("；") : []) topics += Number(/（(\d+)）$/.exec(part)![1]);
  const v = visits ? visits.slice(1).map(Number) : [0, 0, 0, 0];
  const p = problems ? problems.slice(1).map(Number) : [0, 0, 0, 0];
  const o = orders ? orders.slice(1).map(Number) : [0, 0, 0, 0, 0];
  return { planned: v[0]!, reported: v[1]!, missed: v[2]!, carried: v[3]!, problems: p[0]!, serious: p[1]!, general: p[2]!, minor: p[3]!, issued: o[0]!, closed: o[1]!, open: o[2]!, overdue: o[3]!, escalation: o[4]!, items, topics };
}

const worker = useWorker({
  roster: true,
  setup: async () => {
    await worker.query("INSERT INTO calendar_periods (kind, name, start_date, end_date, created_at) VALUES ('term', '2026年春季学期', '2026-03-02', '2026-04-26', 0)");
    await generateTerm();
  },
});

describe("stats", () => {
  let cardText = "";

  it("the term's figures are the sums of its weekly digests", async () => {
    const { texts } = await worker.say("ou_mgr_1", "统计 2026春");
    cardText = texts[0]!;
    expect(cardText).toContain("督导统计 · 2026年春季学期");
    expect(cardText).toContain("2026-03-02 至 2026-04-26 · 共 8 周（2026-W10–2026-W17，按周报口径）");

    const sum = { planned: 0, reported: 0, missed: 0, carried: 0, problems: 0, serious: 0, general: 0, minor: 0, issued: 0, closed: 0, topics: 0 };
    const items = new Map<string, number>();
    let last = digestNumbers("");
    for (const week of TERM_WEEKS) {
      const digest = digestNumbers((await worker.say("ou_mgr_1", `周报 ${week}`)).texts[0]!);
      for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += digest[key];
      for (const [item, n] of digest.items) items.set(item, (items.get(item) ?? 0) + n);
      last = digest;
    }
    expect(sum.planned).toBeGreaterThan(20);
    expect(sum.problems).toBeGreaterThan(5);
    expect(sum.issued).toBeGreaterThan(5);

    const visits = /计划 (\d+) 次 · 已完成 (\d+) 次（完成率 [^）]+）· 按时 (\d+) 次（[^）]+）· 未完成 (\d+) 次 · 顺延 (\d+) 次/.exec(cardText)!;
    expect(visits, cardText).not.toBeNull();
    expect({ planned: Number(visits[1]), reported: Number(visits[2]), missed: Number(visits[4]), carried: Number(visits[5]) }).toEqual({
      planned: sum.planned,
      reported: sum.reported,
      missed: sum.missed,
      carried: sum.carried,
    });
    expect(Number(visits[3])).toBe(expected.onTime);

    const problems = /共 (\d+) 个（严重 (\d+) · 一般 (\d+) · 轻微 (\d+)）/.exec(cardText)!;
    expect(problems.slice(1).map(Number)).toEqual([sum.problems, sum.serious, sum.general, sum.minor]);
    const statsItems = new Map<string, number>();
    let statsTopics = 0;
    for (const part of /按项目：(.+)/.exec(cardText)![1]!.split("；")) {
      const [, name, n] = /^(.*)（(\d+)）$/.exec(part)!;
      if (name!.startsWith("专项督导内容")) statsTopics += Number(n);
      else statsItems.set(name!, Number(n));
    }
    expect(statsItems).toEqual(items);
    expect(statsTopics).toBe(sum.topics);

    const documents = /下发 (\d+) 件 · 已签收 \d+ · 销号 (\d+)（按期 \d+）· 延期 \d+ · 未结 (\d+)（逾期 (\d+)，逾期超过14天 (\d+)）/.exec(cardText)!;
    expect(documents, cardText).not.toBeNull();
    expect({ issued: Number(documents[1]), closed: Number(documents[2]) }).toEqual({ issued: sum.issued, closed: sum.closed });
    // open, overdue and escalated as of the end of the term: the last week's digest
    expect({ open: Number(documents[3]), overdue: Number(documents[4]), escalation: Number(documents[5]) }).toEqual({ open: last.open, overdue: last.overdue, escalation: last.escalation });

    expect(cardText).toContain(`督导报告 ${expected.reports} 份：`);
    expect(cardText).toContain(`举报核查 ${expected.complaint}`);
    expect(cardText).toContain(`每月至少督导一次的学校：${expected.coveredSchools} / 8 所`);
  }, 120_000);

  it("a month counts the weeks whose Thursday is in it, a zone only its schools", async () => {
    const march = (await worker.say("ou_mgr_1", "统计 2026-03")).texts[0]!;
    expect(march).toContain("共 4 周（2026-W10–2026-W13，按周报口径）");
    const zone = (await worker.say("ou_mgr_1", "统计 2026春 Z01")).texts[0]!;
    expect(zone).toContain("督导统计 · 2026年春季学期 · 市第一责任区（Z01）");
    expect(zone).toContain("/ 4 所");
  });

  it("the workbook opens with the library and holds the card's numbers", async () => {
    const { texts } = await worker.say("ou_mgr_1", "统计 2026春 导出");
    expect(texts[0]).toBe("已生成 2026年春季学期 督导统计表，文件随后发送。");
    const message = worker.fake.messages.filter((m) => m.msgType === "file").at(-1)!;
    const upload = worker.fake.uploadOf(message)!;
    expect(upload.name).toBe("督导统计_2026年春季学期.xlsx");
    expect(upload.type).toBe("xls");
    const sheets = await readWorkbook(upload.bytes);
    expect(sheets.map((s) => s.name)).toEqual(["各责任区", "问题按项目和严重程度", "文书按类型和状态", "督学"]);
    const [zones, problems, documents, supervisors] = sheets;
    expect(zones!.rows[0]).toEqual(["责任区编号", "责任区", "级别", "计划", "已完成", "按时完成", "未完成", "本周待完成", "顺延", "完成率(%)", "学校数", "每月覆盖学校", "月覆盖率(%)"]);
    const zoneTotal = zones!.rows.at(-1)!;
    const visits = /计划 (\d+) 次 · 已完成 (\d+) 次（完成率 [^）]+）· 按时 (\d+) 次（[^）]+）· 未完成 (\d+) 次/.exec(cardText)!;
    expect(zoneTotal.slice(0, 7)).toEqual(["合计", null, null, Number(visits[1]), Number(visits[2]), Number(visits[3]), Number(visits[4])]);
    expect(zones!.rows.slice(1, -1).map((row) => row[0])).toEqual(["Z01", "Z02"]);
    const zoneSum = zones!.rows.slice(1, -1).reduce((total, row) => total + (row[3] as number), 0);
    expect(zoneSum).toBe(Number(visits[1]));

    const problemTotal = problems!.rows.at(-1)!;
    expect(problemTotal[3]).toBe(num(cardText, /共 (\d+) 个（严重/));
    expect(problems!.rows.slice(1, -1).reduce((total, row) => total + (row[3] as number), 0)).toBe(problemTotal[3]);
    const documentTotal = documents!.rows.at(-1)!;
    expect(documentTotal[1]).toBe(num(cardText, /下发 (\d+) 件 · 已签收/));
    expect(documents!.rows.slice(1, -1).map((row) => row[0])).toEqual(["督导通知", "督导通报", "督办单", "整改通知书", "整改项"]);
    expect(supervisors!.rows.slice(1).map((row) => row[0])).toEqual(["S001", "S002", "S003", "S004"]);
    expect(supervisors!.rows.slice(1).reduce((total, row) => total + (row[3] as number), 0)).toBe(Number(visits[1]));
  });

  it("refuses supervisors, bad periods and unknown zones, and defaults to the current term", async () => {
    expect((await worker.say("ou_sup_1", "统计")).texts[0]).toContain("只有管理员");
    expect((await worker.say("ou_mgr_1", "统计 2026秋")).texts[0]).toContain("校历中没有「2026年秋季学期」学期");
    expect((await worker.say("ou_mgr_1", "统计 2026-04-30~2026-03-01")).texts[0]).toBe("开始日期晚于结束日期。");
    expect((await worker.say("ou_mgr_1", "统计 2026春 Z99")).texts[0]).toBe("没有编号为「Z99」的责任区。");
    expect((await worker.say("ou_mgr_1", "统计 明年")).texts[0]).toContain("无法识别「明年」");
    // asked in a group, the figures go to the manager's direct chat; the group hears only that they did
    expect((await worker.say("ou_mgr_1", "统计", { chatType: "group" })).texts).toEqual(["已私信发送给您。"]);
    // the latest term that has started (the spring term: the calendar has no later one)
    expect(FakeFeishu.textOf((await worker.say("ou_mgr_1", "stats")).replies[0]!)).toContain("督导统计 · 2026年春季学期");
  });
});
