import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SchoolCalendar, type CalendarPeriod } from "../../src/domain/calendar.ts";
import { addWeeks, currentWeek } from "../../src/domain/time.ts";
import { messageUuid } from "../../src/delivery/outbox.ts";
import { FakeFeishu, type DeliveredMessage } from "../support/fake-feishu.ts";
import { scenarioDates } from "../support/clock.ts";
import { seedRoster } from "../support/roster.ts";
import { useWorker } from "../support/use-worker.ts";
import { messages } from "../../src/i18n/index.ts";

/**
 * Eight Mondays (2026-W49 … 2027-W03) on a generated roster of 3 zones, 12 supervisors and ~48 schools, with a
 * calendar whose December has a one-week break (W51) and whose term ends on 2027-01-22. The scenario is written
 * for 2026/27 and played in the first later year with the same calendar, so the real current week (`本周`) is
 * never one of its weeks.
 */
const { year: YEAR, shift } = scenarioDates(2026);

const ZONES = ["Z11", "Z12", "Z13"];
const SUPERVISORS = Array.from({ length: 12 }, (_, i) => ({ code: `S1${String(i + 1).padStart(2, "0")}`, openId: `ou_gen_${i + 1}`, zone: ZONES[i % 3]! }));
const MANAGER = "ou_gen_mgr";

function generateRoster(): { dir: string; schools: { code: string; name: string; supervisor: string; vpm: number }[] } {
  const dir = mkdtempSync(join(tmpdir(), "duxue-plan-"));
  writeFileSync(join(dir, "zones.csv"), "code,name,level,district\n" + ZONES.map((z, i) => `${z},第${i + 1}责任区,${i ? "district" : "city"},${i ? "东港区" : ""}`).join("\n"));
  const people = SUPERVISORS.map((s, i) => `${s.code},督学${i + 1},supervisor,${s.zone},,1380010${String(i).padStart(4, "0")},,${s.openId},zh`);
  people.push(`S199,无校督学,supervisor,Z11,,13800199999,,ou_gen_noschool,zh`, `M101,王主任,manager,,,13900100001,,${MANAGER},zh`);
  writeFileSync(join(dir, "people.csv"), "code,name,role,zone_code,school_code,mobile,email,open_id,lang\n" + people.join("\n"));
  const schools: { code: string; name: string; supervisor: string; vpm: number }[] = [];
  SUPERVISORS.forEach((s, i) => {
    const count = 3 + (i % 3);
    for (let j = 0; j < count; j++) {
      const code = `G${String(schools.length + 1).padStart(3, "0")}`;
      schools.push({ code, name: `第${schools.length + 1}实验学校`, supervisor: s.code, vpm: j === 0 && i % 4 === 0 ? 2 : 1 });
    }
  });
  const zoneOf = new Map(SUPERVISORS.map((s) => [s.code, s.zone]));
  writeFileSync(
    join(dir, "schools.csv"),
    "code,name,zone_code,supervisor_code,stage,ownership,address,visits_per_month\n" +
      schools.map((s) => `${s.code},${s.name},${zoneOf.get(s.supervisor)},${s.supervisor},primary,public,路${s.code}号,${s.vpm}`).join("\n"),
  );
  return { dir, schools };
}

const PERIODS: CalendarPeriod[] = [
  { kind: "term", name: "秋季学期", startDate: shift("2026-12-01"), endDate: shift("2027-01-22") },
  { kind: "break", name: "研学周", startDate: shift("2026-12-14"), endDate: shift("2026-12-18") },
  { kind: "holiday", name: "元旦", startDate: shift("2027-01-01"), endDate: shift("2027-01-01") },
];
const FIRST_WEEK = shift("2026-W49");
const WEEKS = Array.from({ length: 8 }, (_, i) => addWeeks(FIRST_WEEK, i));
const monday = (i: number) => new Date(Date.UTC(YEAR, 10, 30 + 7 * i, 0, 0, 0));

type Row = { id: number; week: string; supervisor_code: string; school_code: string; reason: string; status: string; note: string | null };

function cardOf(message: DeliveredMessage): { title: string; ids: number[]; text: string } {
  const content = (typeof message.content === "string" ? JSON.parse(message.content) : message.content) as {
    header?: { title?: { content?: string } };
    body?: { elements?: { tag: string; behaviors?: { value: { assignment_id: number } }[] }[] };
  };
  const ids = (content.body?.elements ?? []).filter((e) => e.tag === "button").map((e) => e.behaviors![0]!.value.assignment_id);
  return { title: content.header?.title?.content ?? "", ids, text: FakeFeishu.textOf(message) };
}

describe("weekly plan: eight Mondays on a generated roster", () => {
  let roster: ReturnType<typeof generateRoster>;
  const sentBefore = new Map<string, number>();

  const worker = useWorker({
    setup: async () => {
      roster = generateRoster();
      await seedRoster(worker, roster.dir);
      const rows = PERIODS.map((p) => `${p.kind},${p.name},${p.startDate},${p.endDate}`).join("; ");
      const { texts } = await worker.say(MANAGER, `校历 导入 ${rows}`);
      expect(texts[0]).toContain("已导入 3 条校历");
      await worker.say(MANAGER, `专项 ${shift("2026-12")} 校园安全`);
    },
  });

  it("`plan` previews exactly what `plan send` then stores and sends", async () => {
    const preview = await worker.say(MANAGER, `排班 ${FIRST_WEEK}`);
    const previewText = preview.texts[0]!;
    expect(previewText).toContain(`督导安排预览 · ${FIRST_WEEK}`);
    expect(await worker.count("assignments")).toBe(0);
    const sent = await worker.say(MANAGER, `排班 发送 ${FIRST_WEEK}`);
    expect(sent.texts[0]).toContain(`已发送 ${FIRST_WEEK} 的督导安排`);
    const rows = await worker.query<Row & { name: string }>(
      "SELECT a.*, s.name FROM assignments a JOIN schools s ON s.code = a.school_code WHERE week = ? AND status = 'planned' ORDER BY supervisor_code, school_code",
      FIRST_WEEK,
    );
    expect(rows.length).toBeGreaterThan(0);
    const supervisorsPlanned = new Set(rows.map((r) => r.supervisor_code)).size;
    expect(previewText).toContain(`共 ${rows.length} 次督导，涉及 ${supervisorsPlanned} 位督学`);
    // each supervisor's preview line names exactly the schools stored for them
    for (const supervisor of SUPERVISORS) {
      const line = previewText.split("\n").find((l) => l.includes(`（${supervisor.code}）`));
      const expected = rows.filter((r) => r.supervisor_code === supervisor.code).map((r) => r.name);
      const shown = line ? [...line.matchAll(/(第\d+实验学校)/g)].map((m) => m[1]) : [];
      expect(shown.sort()).toEqual(expected.sort());
    }
    // and the cards carry the same schools
    for (const supervisor of SUPERVISORS) {
      const cards = worker.fake.messages.filter((m) => m.receiveId === supervisor.openId);
      const expected = rows.filter((r) => r.supervisor_code === supervisor.code);
      expect(cards.length).toBe(expected.length ? 1 : 0);
      if (cards[0]) expect(cardOf(cards[0]).ids.sort()).toEqual(expected.map((r) => r.id).sort());
    }
  });

  it("runs eight Mondays: capacity, monthly coverage, no visits in the break, one card per supervisor per week", async () => {
    for (let i = 0; i < WEEKS.length; i++) await worker.runCron("0 0 * * 1", monday(i));
    const rows = await worker.query<Row>("SELECT * FROM assignments ORDER BY week, supervisor_code, school_code");
    const counting = rows.filter((r) => ["planned", "reported", "missed"].includes(r.status));

    // nobody over capacity (2 a week, +1 with a follow-up; there are none here)
    const perWeek = new Map<string, number>();
    for (const r of counting) perWeek.set(`${r.week}|${r.supervisor_code}`, (perWeek.get(`${r.week}|${r.supervisor_code}`) ?? 0) + 1);
    expect(Math.max(...perWeek.values())).toBeLessThanOrEqual(2);

    // nothing at all in the break week
    expect(rows.filter((r) => r.week === shift("2026-W51"))).toEqual([]);

    // every school got its visits in December and in January (a school day counts for its own month)
    const calendar = new SchoolCalendar(PERIODS);
    const vpm = new Map(roster.schools.map((s) => [s.code, s.vpm]));
    const counts = new Map<string, number>();
    for (const r of counting) {
      const months = calendar.monthsOfWeek(r.week);
      const month = months.find((m) => (counts.get(`${r.school_code}|${m}`) ?? 0) < vpm.get(r.school_code)!) ?? months.at(-1)!;
      counts.set(`${r.school_code}|${month}`, (counts.get(`${r.school_code}|${month}`) ?? 0) + 1);
    }
    for (const school of roster.schools) {
      expect(counts.get(`${school.code}|${shift("2026-12")}`), `${school.code} in December`).toBe(school.vpm);
      expect(counts.get(`${school.code}|${shift("2027-01")}`), `${school.code} in January`).toBe(school.vpm);
    }
    expect(rows.filter((r) => r.status === "moved")).toEqual([]);
    expect(counting.filter((r) => r.week < shift("2027-W01")).every((r) => r.reason === "routine")).toBe(true);

    // exactly one card per supervisor per week with visits, to the right open_id, listing that week's rows
    const openIdOf = new Map(SUPERVISORS.map((s) => [s.code, s.openId]));
    for (const week of WEEKS) {
      const weekRows = counting.filter((r) => r.week === week);
      const supervisors = new Set(weekRows.map((r) => r.supervisor_code));
      for (const code of supervisors) {
        const uuid = await messageUuid(`plan:${week}:${code}`);
        const delivered = worker.fake.messages.filter((m) => m.uuid === uuid);
        expect(delivered.length, `${week} ${code}`).toBe(1);
        expect(delivered[0]!.receiveId).toBe(openIdOf.get(code));
        expect(cardOf(delivered[0]!).ids.sort()).toEqual(weekRows.filter((r) => r.supervisor_code === code).map((r) => r.id).sort());
      }
      const weekCards = worker.fake.messages.filter((m) => cardOf(m).title.startsWith(`本周督导安排 · ${week}`));
      expect(weekCards.length).toBe(supervisors.size);
    }
    expect(worker.fake.messagesTo("ou_gen_noschool")).toEqual([]);
    // December's routine visits carry December's topic
    expect(counting.filter((r) => r.week === shift("2026-W50")).length).toBeGreaterThan(0);
    const topics = await worker.query<{ topic: string | null }>("SELECT DISTINCT topic FROM assignments WHERE week = ?", shift("2026-W50"));
    expect(topics).toEqual([{ topic: "校园安全" }]);
    sentBefore.set("messages", worker.fake.messages.length);
  });

  it("a second run of the same Monday sends nothing and stores nothing", async () => {
    const before = await worker.snapshot();
    const messages = worker.fake.messages.length;
    await worker.runCron("0 0 * * 1", monday(7));
    expect(worker.fake.messages.length).toBe(messages);
    // the rerun is counted in job_runs (attempts + 1), by design; nothing else may change
    expect({ ...(await worker.snapshot()), processed_events: 0, job_runs: 0 }).toEqual({ ...before, processed_events: 0, job_runs: 0 });
  });

  it("`week` shows a supervisor's visits of the current week, and says so when they have no schools", async () => {
    const none = await worker.say("ou_gen_noschool", "本周");
    expect(none.texts[0]).toContain("您名下没有挂牌学校");
    const thisWeek = currentWeek(Date.now(), "Asia/Shanghai");
    const empty = await worker.say("ou_gen_1", "week");
    expect(empty.texts).toHaveLength(1);
    // the stored calendar's terms lie in the scenario's year, always after today's: the real current week has no school day
    expect(empty.texts[0]).toBe(messages("zh").planning.weekNoSchoolDays);
    const [mineA, mineB, other] = roster.schools.filter((s) => s.supervisor === "S101").concat(roster.schools.filter((s) => s.supervisor === "S102"));
    for (const [school, supervisor, status] of [[mineA!, "S101", "planned"], [mineB!, "S101", "reported"], [other!, "S102", "planned"]] as const)
      await worker.query(
        "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?, ?, ?, 'routine', ?, 0, 0)",
        thisWeek,
        supervisor,
        school.code,
        status,
      );
    const mine = await worker.say("ou_gen_1", "week");
    expect(mine.texts).toHaveLength(1);
    expect(mine.texts[0]).toContain(`我的本周督导 · ${thisWeek}`);
    expect(mine.texts[0]).toContain(mineA!.name);
    expect(mine.texts[0]).toContain("待督导");
    expect(mine.texts[0]).toContain(mineB!.name);
    expect(mine.texts[0]).toContain("已提交报告");
    expect(mine.texts[0]).not.toContain(other!.name);
    // a manager names the supervisor
    const theirs = await worker.say(MANAGER, "本周 S102");
    expect(theirs.texts[0]).toContain(other!.name);
    expect(theirs.texts[0]).not.toContain(mineA!.name);
  });
});
