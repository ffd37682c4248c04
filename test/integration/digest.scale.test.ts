import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateDemoRoster } from "../../scripts/lib/demo-roster.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { D1_COUNTING_ENTRY, d1CountAfter } from "../support/d1-counter.ts";
import { seedRoster } from "../support/roster.ts";
import { useWorker } from "../support/use-worker.ts";

/**
 * Province scale: the demo city (79 zones, 349 supervisors, ~1,750 schools), then 16 more cities on top
 * (1,264 more zones, 5,584 supervisors, ~28,000 schools). Every school has a visit in the week, one in ten
 * missed, one in ten carried over, problems in a third of the reports (long descriptions, a seventh serious),
 * an order for one school in twenty (half of them long overdue). The office card stays under 30 KB and the
 * daily job (order deadlines, then the digest) issues the same number of D1 statements for the city as for the
 * province, counted at the D1 binding by a wrapping entry module (test/support/d1-counter.ts) — all but the
 * outbox inserts, which come one per ~400 KB of messages sent.
 * (Open_ids but one manager's are cleared so that only the office card is delivered: the queries are the same.)
 */

const GROUP = "oc_office_group";
const dirs: string[] = [];
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value)).length;

/** The roster in folders of at most MAX_ROWS (20,000) schools each: the import's per-file limit. */
function rosterDirs(cities: number): string[] {
  const roster = generateDemoRoster({ cities });
  const [header, ...schools] = roster.schools.trimEnd().split("\n");
  const parts: string[] = [];
  for (let i = 0; i < schools.length; i += 15_000) {
    const dir = mkdtempSync(join(tmpdir(), "duxue-digest-"));
    dirs.push(dir);
    writeFileSync(join(dir, "offices.csv"), roster.offices);
    writeFileSync(join(dir, "zones.csv"), roster.zones);
    writeFileSync(join(dir, "people.csv"), roster.people);
    writeFileSync(join(dir, "schools.csv"), [header, ...schools.slice(i, i + 15_000)].join("\n") + "\n");
    parts.push(dir);
  }
  return parts;
}

async function fillWeek(week: string, visitDate: string) {
  const now = Date.parse("2026-03-01T00:00:00Z");
  // only the office card and one manager's answers are delivered (other jobs share the daily cron)
  await worker.query("UPDATE people SET open_id = NULL WHERE code <> 'C01M002'");
  await worker.query(
    `INSERT INTO assignments (week, supervisor_code, school_code, reason, status, note, created_at, updated_at)
     SELECT ?1, supervisor_code, code, 'routine',
            CASE rowid % 10 WHEN 0 THEN 'missed' WHEN 1 THEN 'moved' ELSE 'reported' END,
            CASE rowid % 10 WHEN 1 THEN 'carried_over' END, ?2, ?2
     FROM schools WHERE supervisor_code IS NOT NULL`,
    week,
    now,
  );
  await worker.query(
    `INSERT INTO reports (assignment_id, school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, submission_key, created_at, updated_at)
     SELECT id, school_code, supervisor_code, week, ?2, 'routine', '{}', 1, supervisor_code, 'k' || id, ?3, ?3 FROM assignments WHERE week = ?1 AND status = 'reported'`,
    week,
    visitDate,
    now,
  );
  await worker.query(
    `INSERT INTO problems (report_id, school_code, week, item, topic, description, severity, fixed_on_spot, created_at)
     SELECT id, school_code, week,
            CASE id % 9 WHEN 0 THEN 'administration' WHEN 1 THEN 'enrolment' WHEN 2 THEN 'curriculum' WHEN 3 THEN 'workload' WHEN 4 THEN 'ethics'
                        WHEN 5 THEN 'safety' WHEN 6 THEN 'hygiene' WHEN 7 THEN 'culture' ELSE 'topic' END,
            CASE id % 9 WHEN 8 THEN '校园安全' END,
            '发现的问题描述比较长，' || printf('%.80c', '患') || '，需要整改。',
            CASE WHEN id % 7 = 0 THEN 'serious' WHEN id % 2 = 0 THEN 'general' ELSE 'minor' END, 0, ?2
     FROM reports WHERE week = ?1 AND id % 3 = 0`,
    week,
    now,
  );
  await worker.query(
    `INSERT INTO orders (number, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, updated_at)
     SELECT '督办〔2026〕' || (rowid + ?2) || '号', 'order', 2026, rowid + ?2, code, '请整改',
            CASE rowid % 40 WHEN 0 THEN '2026-01-15' ELSE '2026-04-30' END, 'issued', 'M001', ?3, ?3
     FROM schools WHERE rowid % 20 = 0 AND code NOT IN (SELECT school_code FROM orders)`,
    week,
    week === "2026-W10" ? 0 : 100_000,
    Date.parse("2026-01-05T02:00:00Z"),
  );
}

function lastOutcome(): string {
  return String(worker.logs.filter((l) => l.route === "job:weekly_digest").at(-1)?.outcome);
}

const worker = useWorker({
  wrapEntry: D1_COUNTING_ENTRY,
  teardown: () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  },
});

describe("digest at scale", () => {
  let cityQueries = "";
  let cityStatements = 0;
  const DAILY = "cron:0 1 * * *";

  it("a city's digest", async () => {
    for (const dir of rosterDirs(1)) await seedRoster(worker, dir);
    await fillWeek("2026-W10", "2026-03-04");
    const before = worker.fake.messages.length;
    const logsBefore = worker.logs.length;
    await worker.runCron("0 1 * * *", new Date("2026-03-09T01:00:00Z"));
    const city = await d1CountAfter(worker.logs, logsBefore, DAILY);
    cityStatements = city.statements - city.outboxInserts;
    expect(cityStatements).toBeGreaterThan(0);
    const office = worker.fake.messages.slice(before).filter((m) => m.receiveId === GROUP);
    expect(office).toHaveLength(1);
    expect(bytes(office[0]!.content)).toBeLessThan(30 * 1024);
    cityQueries = /queries=(\d+)/.exec(lastOutcome())![1]!;
    expect(Number(cityQueries)).toBeGreaterThan(0);
  }, 120_000);

  it("a province's digest: under 30 KB, same number of D1 queries", async () => {
    for (const dir of rosterDirs(16)) await seedRoster(worker, dir);
    expect(await worker.count("zones")).toBe(79 * 17);
    await fillWeek("2026-W11", "2026-03-11");
    const before = worker.fake.messages.length;
    const logsBefore = worker.logs.length;
    await worker.runCron("0 1 * * *", new Date("2026-03-16T01:00:00Z"));
    const province = await d1CountAfter(worker.logs, logsBefore, DAILY);
    expect(province.statements - province.outboxInserts).toBe(cityStatements);
    const office = worker.fake.messages.slice(before).filter((m) => m.receiveId === GROUP);
    expect(office).toHaveLength(1);
    const size = bytes(office[0]!.content);
    expect(size).toBeLessThan(30 * 1024);
    const text = FakeFeishu.textOf(office[0]!);
    expect(text).toContain("督导周报 · 2026-W11");
    expect(text).toMatch(/另有 \d+ 个责任区/);
    expect(text).toMatch(/另有 \d+ 个严重问题/);
    expect(text).toMatch(/另有 \d+ 件/);
    const chart = (office[0]!.content as { body: { elements: { tag: string; chart_spec?: { data: { values: { group: string }[] } } }[] } }).body.elements.find((e) => e.tag === "chart")!;
    expect(new Set(chart.chart_spec!.data.values.map((v) => v.group))).toEqual(new Set(["市级", "区县级"]));
    expect(/queries=(\d+)/.exec(lastOutcome())![1]).toBe(cityQueries);

    // a zone's card at province scale, asked by a manager
    const zone = await worker.say("ou_demo_C01M002", "周报 2026-W11 C01Z010");
    expect(zone.texts[0]).toContain("督导周报 · 2026-W11");
    expect(bytes(zone.replies[0]!.content)).toBeLessThan(30 * 1024);
  }, 300_000);
});
