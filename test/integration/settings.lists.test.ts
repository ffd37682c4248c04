import { describe, expect, it } from "vitest";
import { scenarioDates } from "../support/clock.ts";
import { useWorker } from "../support/use-worker.ts";

/**
 * The city-wide settings as managers read and change them (README Commands: `校历` lists the calendar, `校历 删除
 * 编号` removes a period; `专项` lists the months' special topics). Dates lie in the scenario year (the future).
 */
const { shift } = scenarioDates(2026);
const MANAGER = "ou_mgr_1";
const SUPERVISOR = "ou_sup_1";

describe("school calendar: list and remove", () => {
  type Period = { id: number; kind: string; name: string; start_date: string; end_date: string };
  const periods = () => worker.query<Period>("SELECT id, kind, name, start_date, end_date FROM calendar_periods ORDER BY id");

  const worker = useWorker({ roster: true });

  it("with nothing set, `校历` says so and how to add a term", async () => {
    const { texts } = await worker.say(MANAGER, "校历");
    expect(texts).toEqual([expect.stringContaining("尚未设置校历：周一至周五均视为上课日。")]);
  });

  it("lists every period with its number, kind, name and dates", async () => {
    const rows = [`term,秋季学期,${shift("2026-09-01")},${shift("2027-01-22")}`, `break,研学周,${shift("2026-12-14")},${shift("2026-12-18")}`, `holiday,元旦,${shift("2027-01-01")},${shift("2027-01-01")}`];
    expect((await worker.say(MANAGER, `校历 导入 ${rows.join("; ")}`)).texts).toEqual(["已导入 3 条校历。"]);
    const stored = await periods();
    expect(stored).toHaveLength(3);
    const { texts } = await worker.say(MANAGER, "calendar");
    expect(texts).toHaveLength(1);
    const kinds: Record<string, string> = { term: "学期", break: "假期", holiday: "节假日" };
    for (const p of stored) expect(texts[0]).toContain(`#${p.id} ${kinds[p.kind]} · ${p.name} · ${p.start_date} 至 ${p.end_date}`);
  });

  it("`校历 删除 编号` removes that period only; the list no longer shows it", async () => {
    const [term, brk, holiday] = await periods();
    const { texts } = await worker.say(MANAGER, `校历 删除 ${brk!.id}`);
    expect(texts).toEqual([`已删除校历条目 #${brk!.id}。`]);
    expect(await periods()).toEqual([term, holiday]);
    const list = (await worker.say(MANAGER, "校历")).texts[0]!;
    expect(list).not.toContain("研学周");
    expect(list).toContain(`#${term!.id} 学期`);
    expect(list).toContain(`#${holiday!.id} 节假日`);
  });

  it("a number that is not there, or not a number, is refused and removes nothing", async () => {
    const before = await periods();
    const gone = Math.max(...before.map((p) => p.id)) + 1;
    for (const id of [String(gone), `#${before[0]!.id}x`, "全部"]) {
      const { texts } = await worker.say(MANAGER, `校历 删除 ${id}`);
      expect(texts).toEqual([`没有编号为「${id}」的校历条目。`]);
    }
    expect(await periods()).toEqual(before);
  });

  it("a supervisor may not remove a period (managers only): refused, nothing removed", async () => {
    const before = await periods();
    const { texts } = await worker.say(SUPERVISOR, `校历 删除 ${before[0]!.id}`);
    expect(texts).toEqual([expect.stringMatching(/^抱歉，只有管理员可以使用「.+」。/)]);
    expect(await periods()).toEqual(before);
  });
});

describe("special topics: list", () => {
  const setting = async () => (await worker.query<{ value: string }>("SELECT value FROM settings WHERE key = 'special_topics'"))[0]?.value ?? null;

  const worker = useWorker({ roster: true });

  it("with none set, `专项` says so", async () => {
    const { texts } = await worker.say(MANAGER, "专项");
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("尚未设置任何月份的专项主题。");
    expect(await setting()).toBeNull();
  });

  it("lists every month's topics in month order, as they were set; listing changes nothing", async () => {
    const [december, march] = [shift("2026-12"), shift("2027-03")];
    expect((await worker.say(MANAGER, `专项 ${march} 五项管理,课后服务`)).texts).toEqual([`已设置 ${march} 的专项主题：五项管理、课后服务。`]);
    expect((await worker.say(MANAGER, `专项 ${december} 校园安全`)).texts).toEqual([`已设置 ${december} 的专项主题：校园安全。`]);
    const stored = await setting();
    const { texts } = await worker.say(MANAGER, "topics");
    expect(texts).toHaveLength(1);
    const decemberAt = texts[0]!.indexOf(`${december}：校园安全`);
    const marchAt = texts[0]!.indexOf(`${march}：五项管理、课后服务`);
    expect(decemberAt).toBeGreaterThan(-1);
    expect(marchAt).toBeGreaterThan(decemberAt);
    expect(await setting()).toBe(stored);

    // a cleared month leaves the list
    expect((await worker.say(MANAGER, `专项 ${december} 无`)).texts).toEqual([`已清除 ${december} 的专项主题。`]);
    const after = (await worker.say(MANAGER, "专项")).texts[0]!;
    expect(after).not.toContain(december);
    expect(after).toContain(`${march}：五项管理、课后服务`);
  });
});
