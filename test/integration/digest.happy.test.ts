import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";

/**
 * The weekly digest end to end on the fixture roster (Z01 city: SCH001–004, S001 lead, S002;
 * Z02 district: SCH005–008, S003 lead, S004 without open_id; manager M001).
 *
 * Fixture week 2026-W10 (Mon 2 – Sun 8 March 2026), digest on Monday 9 March 09:00 Shanghai:
 *   visits  SCH001 S001 reported · SCH002 S001 missed · SCH003 S002 reported · SCH004 S002 carried over
 *           SCH005 S003 reported (follow-up) · SCH006 S003 missed · SCH007 S004 missed · SCH008 S004 still planned
 *           → planned 7, reported 3, missed 4, carried 1 (43%); city Z01 3/2/1/1 (67%); district Z02 4/1/3/0 (25%)
 *   problems (W10) SCH001 safety serious + hygiene general; SCH003 hygiene minor + topic 校园安全 general;
 *           SCH005 safety serious → 5 (serious 2, general 2, minor 1); one W09 problem that must not count
 *   orders  O1 SCH002 due 2-10 acknowledged (27 days overdue: escalation) · O2 SCH006 due 3-01 issued (8 days)
 *           O3 SCH003 issued in the week · O4 SCH005 closed in the week · O5 SCH007 issued in the week, closed after it
 *           O6 a notice cancelled in January · O7 issued after the week
 *           → issued 2, closed 1, open 4, overdue 2, escalation 1
 *   March   reports dated in March: SCH001, SCH003, SCH005 → 5 schools not visited; S004 missed 2 (listed),
 *           S001 missed 1 in W10 and 1 in W09 (February: not counted)
 */

const GROUP = "oc_office_group";
const MONDAY = new Date("2026-03-09T01:00:00Z");
const ms = (iso: string) => Date.parse(iso);


async function insertFixtures() {
  const now = ms("2026-03-01T00:00:00Z");
  const assignments: [string, string, string, string, string, string | null][] = [
    ["2026-W10", "S001", "SCH001", "routine", "reported", null],
    ["2026-W10", "S001", "SCH002", "routine", "missed", null],
    ["2026-W10", "S002", "SCH003", "routine", "reported", null],
    ["2026-W10", "S002", "SCH004", "routine", "moved", "carried_over"],
    ["2026-W10", "S003", "SCH005", "follow_up", "reported", null],
    ["2026-W10", "S003", "SCH006", "routine", "missed", null],
    ["2026-W10", "S004", "SCH007", "routine", "missed", null],
    ["2026-W10", "S004", "SCH008", "routine", "planned", null],
    ["2026-W09", "S001", "SCH001", "routine", "missed", null],
  ];
  for (const [week, sup, school, reason, status, note] of assignments)
    await worker.query(
      "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      week, sup, school, reason, status, note, now, now,
    );
  const reports: [number, string, string, string, string][] = [
    [1, "SCH001", "S001", "2026-W10", "2026-03-03"],
    [2, "SCH003", "S002", "2026-W10", "2026-03-04"],
    [3, "SCH005", "S003", "2026-W10", "2026-03-05"],
    [4, "SCH002", "S001", "2026-W09", "2026-02-27"],
  ];
  for (const [id, school, sup, week, date] of reports)
    await worker.query(
      `INSERT INTO reports (id, school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, submission_key, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'routine', '{}', 1, ?, ?, ?, ?)`,
      id, school, sup, week, date, sup, `k${id}`, now, now,
    );
  const problems: [number, string, string, string, string | null, string, string][] = [
    [1, "SCH001", "2026-W10", "safety", null, "围墙破损，存在安全隐患", "serious"],
    [1, "SCH001", "2026-W10", "hygiene", null, "食堂留样记录不全", "general"],
    [2, "SCH003", "2026-W10", "hygiene", null, "饮水机滤芯过期", "minor"],
    [2, "SCH003", "2026-W10", "topic", "校园安全", "一键报警装置未接通", "general"],
    [3, "SCH005", "2026-W10", "safety", null, "消防通道被杂物堵塞", "serious"],
    [4, "SCH002", "2026-W09", "safety", null, "上周的问题", "serious"],
  ];
  for (const [report, school, week, item, topic, text, severity] of problems)
    await worker.query(
      "INSERT INTO problems (report_id, school_code, week, item, topic, description, severity, fixed_on_spot, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
      report, school, week, item, topic, text, severity, now,
    );
  const orders: [string, string, number, string, string, string, number, number | null, number][] = [
    ["督办〔2026〕1号", "order", 1, "SCH002", "2026-02-10", "acknowledged", ms("2026-01-10T02:00:00Z"), null, ms("2026-01-12T02:00:00Z")],
    ["整改〔2026〕1号", "rectification", 1, "SCH006", "2026-03-01", "issued", ms("2026-02-20T02:00:00Z"), null, ms("2026-02-20T02:00:00Z")],
    ["督办〔2026〕2号", "order", 2, "SCH003", "2026-04-03", "issued", ms("2026-03-03T02:00:00Z"), null, ms("2026-03-03T02:00:00Z")],
    ["督办〔2026〕3号", "order", 3, "SCH005", "2026-02-20", "closed", ms("2026-02-01T02:00:00Z"), ms("2026-03-05T02:00:00Z"), ms("2026-03-05T02:00:00Z")],
    ["督办〔2026〕4号", "order", 4, "SCH007", "2026-03-20", "closed", ms("2026-03-04T02:00:00Z"), ms("2026-03-09T00:30:00Z"), ms("2026-03-09T00:30:00Z")],
    ["督导通知〔2026〕1号", "notice", 1, "SCH008", "2026-01-20", "cancelled", ms("2026-01-05T02:00:00Z"), null, ms("2026-01-06T02:00:00Z")],
    ["督办〔2026〕5号", "order", 5, "SCH001", "2026-03-30", "issued", ms("2026-03-08T16:30:00Z"), null, ms("2026-03-08T16:30:00Z")],
  ];
  for (const [number, kind, seq, school, due, status, issuedAt, closedAt, updatedAt] of orders)
    await worker.query(
      `INSERT INTO orders (number, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, closed_at, updated_at)
       VALUES (?, ?, 2026, ?, ?, '请整改', ?, ?, 'M001', ?, ?, ?)`,
      number, kind, seq, school, due, status, issuedAt, closedAt, updatedAt,
    );
}

type Msg = (typeof worker.fake.messages)[number];
/** the outbox's uuid of a message key (delivery/outbox.ts messageUuid) */
const uuidOf = (key: string) => createHash("sha256").update(key).digest("hex").slice(0, 32);
/** messages of this feature only (other jobs share the daily cron) */
const byKey = (sent: Msg[], key: string) => sent.filter((m) => m.uuid === uuidOf(key));
const cardOf = (m: Msg) => (typeof m.content === "string" ? JSON.parse(m.content) : m.content) as { body: { elements: Record<string, unknown>[] } };

const worker = useWorker({
  roster: true,
  setup: async () => {
    // December 2025 is a (test) break: no school days.
    await worker.query("INSERT INTO calendar_periods (kind, name, start_date, end_date, created_at) VALUES ('break', '停课', '2025-12-01', '2025-12-31', 0)");
  },
});

describe("weekly digest", () => {
  it("an empty week in a break gives a short card to the group and nothing else", async () => {
    const before = worker.fake.messages.length;
    await worker.runCron("0 1 * * *", new Date("2025-12-15T01:00:00Z"));
    const sent = worker.fake.messages.slice(before);
    expect(sent.map((m) => m.receiveId ?? m.chatId)).toEqual([GROUP]);
    const text = FakeFeishu.textOf(sent[0]!);
    expect(text).toContain("督导周报 · 2025-W50（12月8日–12月14日）");
    expect(text).toContain("本周没有督导任务、发现问题或督导文书");
    expect(text).not.toContain("尚未督导的学校");
    expect(JSON.stringify(sent[0]!.content).length).toBeLessThan(2_000);
    expect(await worker.count("digests", "week = '2025-W50' AND scope = 'office'")).toBe(1);
  });

  it("the Monday digest of the fixture week has every number right", async () => {
    await insertFixtures();
    const before = worker.fake.messages.length;
    await worker.runCron("0 1 * * *", MONDAY);
    const sent = worker.fake.messages.slice(before);

    const office = byKey(sent, "digest:2026-W10:office");
    expect(office).toHaveLength(1);
    expect(office[0]!.receiveId).toBe(GROUP);
    const text = FakeFeishu.textOf(office[0]!);
    for (const expected of [
      "督导周报 · 2026-W10（3月2日–3月8日）",
      "计划 7 次 · 已报告 3 次（完成率 43%）· 未完成 4 次 · 顺延 1 次",
      "市级责任区：计划 3 · 已报告 2（67%）· 未完成 1 · 顺延 1",
      "区县级责任区：计划 4 · 已报告 1（25%）· 未完成 3 · 顺延 0",
      "**发现问题** 共 5 个（严重 2 · 一般 2 · 轻微 1）",
      "按常规项目：校园及周边安全、学生交通安全（2）；食堂、食品、饮水及宿舍卫生（2）",
      "按专项：校园安全（1）",
      "**严重问题**（2 个）\n- 日照市实验小学 · 校园及周边安全、学生交通安全 · 围墙破损，存在安全隐患\n- 东港区第三中学 · 校园及周边安全、学生交通安全 · 消防通道被杂物堵塞",
      "本周下发 2 件 · 本周销号 1 件 · 未结 4 件 · 逾期 2 件 · 逾期超过14天 1 件",
      "- 督办〔2026〕1号 · 日照市第一中学 · 逾期 27 天",
      "**3月尚未督导的学校**（5 所）\n日照市第一中学、阳光幼儿园、东港区新营小学、东港区北京路中学、东港区曙光幼儿园",
      "**3月未完成 2 次及以上的督学**（1 位）\nEmily Chen（S004）2 次",
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain("上周的问题");
    expect(text).not.toContain("整改〔2026〕1号 ·"); // 8 days overdue: counted, not on the escalation list

    const elements = cardOf(office[0]!).body.elements;
    const chart = elements.find((e) => e.tag === "chart") as { chart_spec: { data: { values: { group: string; type: string; count: number }[] } } };
    expect(chart.chart_spec.data.values).toEqual([
      { group: "市第一责任区", type: "已报告", count: 2 },
      { group: "市第一责任区", type: "未完成", count: 1 },
      { group: "市第一责任区", type: "顺延", count: 1 },
      { group: "东港区第一责任区", type: "已报告", count: 1 },
      { group: "东港区第一责任区", type: "未完成", count: 3 },
      { group: "东港区第一责任区", type: "顺延", count: 0 },
    ]);
    const table = elements.find((e) => e.tag === "table") as { rows: Record<string, unknown>[] };
    expect(table.rows).toEqual([
      { zone: "东港区第一责任区（Z02）", level: "区县级", planned: 4, reported: 1, missed: 3, carried: 0, rate: "25%" },
      { zone: "市第一责任区（Z01）", level: "市级", planned: 3, reported: 2, missed: 1, carried: 1, rate: "67%" },
    ]);

    const buttons = JSON.stringify(elements.filter((e) => e.tag === "column_set"));
    expect(buttons).toContain('{"action":"digest_zone","week":"2026-W10","zone":"Z02"}');
    expect(buttons).toContain("Z01 明细");

    // zone leads: their zone's card by direct message
    const z01 = byKey(sent, "digest:2026-W10:zone:Z01");
    const z02 = byKey(sent, "digest:2026-W10:zone:Z02");
    expect(z01.map((m) => m.receiveId)).toEqual(["ou_sup_1"]);
    expect(z02.map((m) => m.receiveId)).toEqual(["ou_sup_3"]);
    const z01Text = FakeFeishu.textOf(z01[0]!);
    expect(z01Text).toContain("市第一责任区 · 督导周报 · 2026-W10");
    expect(z01Text).toContain("计划 3 次 · 已报告 2 次（完成率 67%）· 未完成 1 次 · 顺延 1 次");
    expect(z01Text).toContain("**发现问题** 共 4 个（严重 1 · 一般 2 · 轻微 1）");
    expect(z01Text).toContain("本周下发 1 件 · 本周销号 0 件 · 未结 2 件 · 逾期 1 件 · 逾期超过14天 1 件");
    expect(z01Text).toContain("**3月尚未督导的学校**（2 所）\n日照市第一中学、阳光幼儿园");
    expect(z01Text).not.toContain("东港区");
    const z02Text = FakeFeishu.textOf(z02[0]!);
    expect(z02Text).toContain("计划 4 次 · 已报告 1 次（完成率 25%）· 未完成 3 次 · 顺延 0 次");
    expect(z02Text).toContain("本周下发 1 件 · 本周销号 1 件 · 未结 2 件 · 逾期 1 件 · 逾期超过14天 0 件");
    expect(z02Text).toContain("Emily Chen（S004）2 次");

    // personal lines: visits done / missed, orders waiting for them (S004 has no open_id)
    const personKeys = new Set(["S001", "S002", "S003", "S004"].map((code) => uuidOf(`digest:2026-W10:person:${code}`)));
    const lines = sent.filter((m) => personKeys.has(m.uuid ?? "")).map((m) => [m.receiveId, FakeFeishu.textOf(m)]);
    expect(lines.sort()).toEqual([
      // O1 and O7 (issued on Monday 00:30, before the digest: waiting now, though not part of the week's numbers)
      ["ou_sup_1", "王建国，2026-W10 督导小结：完成 1 次，未完成 1 次；待您处理的督导文书 2 件（发送「督办单」查看）。"],
      ["ou_sup_2", "李秀英，2026-W10 督导小结：完成 1 次，未完成 0 次；待您处理的督导文书 1 件（发送「督办单」查看）。"],
      ["ou_sup_3", "张伟，2026-W10 督导小结：完成 1 次，未完成 1 次；待您处理的督导文书 1 件（发送「督办单」查看）。"],
    ]);
    const digestKeys = new Set([...personKeys, ...["office", "zone:Z01", "zone:Z02"].map((s) => uuidOf(`digest:2026-W10:${s}`))]);
    expect(sent.filter((m) => digestKeys.has(m.uuid ?? ""))).toHaveLength(6);
    expect(sent.filter((m) => m.receiveId === GROUP)).toHaveLength(1);

    // the office row closes report editing for the week
    const scopes = (await worker.query<{ scope: string }>("SELECT scope FROM digests WHERE week = '2026-W10' ORDER BY scope")).map((r) => r.scope);
    expect(scopes).toEqual(["office", "people", "zone:Z01", "zone:Z02"]);
    const log = worker.logs.filter((l) => l.route === "job:weekly_digest").at(-1)!;
    expect(log.outcome).toBe("week=2026-W10 office=1 zones=2 people=3 queries=12");
  });

  it("re-running the Monday job, or running it on another day, sends nothing new", async () => {
    // (other jobs share the daily cron: look at the digest's own messages and rows)
    const before = worker.fake.messages.length;
    const digestRows = () => worker.query("SELECT week, scope, sent_at FROM digests ORDER BY week, scope");
    const digestOutbox = () => worker.count("outbox", "ref LIKE 'digest:%'");
    const [rows, outbox] = [await digestRows(), await digestOutbox()];
    await worker.runCron("0 1 * * *", MONDAY);
    await worker.runCron("0 1 * * *", new Date("2026-03-10T01:00:00Z"));
    const again = worker.fake.messages.slice(before).filter((m) => m.receiveId === GROUP || m.msgType === "text" || /督导周报/.test(FakeFeishu.textOf(m)));
    expect(again).toEqual([]);
    expect(await digestRows()).toEqual(rows);
    expect(await digestOutbox()).toBe(outbox);
    const outcomes = worker.logs.filter((l) => l.route === "job:weekly_digest").slice(-2).map((l) => l.outcome);
    expect(outcomes).toEqual(["week=2026-W10 already_sent queries=12", "not_monday"]);
  });

  it("`周报` shows a manager any past week in the direct chat, never in the group", async () => {
    const before = worker.fake.messages.length;
    const digests = await worker.count("digests");
    const office = await worker.say("ou_mgr_1", "周报 2026-W10");
    expect(office.replies).toHaveLength(1);
    expect(office.replies[0]!.chatId).toBe("oc_p2p_ou_mgr_1");
    expect(office.texts[0]).toContain("计划 7 次 · 已报告 3 次（完成率 43%）· 未完成 4 次 · 顺延 1 次");
    expect(office.texts[0]).toContain("本周下发 2 件 · 本周销号 1 件 · 未结 4 件 · 逾期 2 件 · 逾期超过14天 1 件");

    const zone = await worker.say("ou_mgr_1", "digest 2026-W10 z02");
    expect(zone.texts[0]).toContain("东港区第一责任区 · 督导周报 · 2026-W10");
    expect(zone.texts[0]).toContain("计划 4 次 · 已报告 1 次（完成率 25%）");

    // an old week with no data at all: a short card
    const empty = await worker.say("ou_mgr_1", "周报 2025-W40");
    expect(empty.texts[0]).toContain("本周没有督导任务、发现问题或督导文书");
    expect(empty.texts[0]).toContain("**10月尚未督导的学校**（8 所）");

    expect(worker.fake.messages.slice(before).filter((m) => (m.receiveId ?? m.chatId) === GROUP)).toHaveLength(0);
    expect(await worker.count("digests")).toBe(digests);
  });
});
