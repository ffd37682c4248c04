import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateDemoRoster } from "../../scripts/lib/demo-roster.ts";
import { addWeeks, currentWeek, localMidnightMs, weekStart } from "../../src/domain/time.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { seedRoster } from "../support/roster.ts";
import { useWorker } from "../support/use-worker.ts";
import { shanghaiYear } from "../support/dates.ts";

/**
 * The demo city (scripts/lib/demo-roster.ts) with its offices: 日照 (RZ, the city's office) over one office per
 * district (RZ01 东港 … RZ10 西城). M002 manages for the city; M003 for 东港区 (RZ01), M004 for 岚山区 (RZ02).
 */
const CITY_MANAGER = "ou_demo_M002";
const DONGGANG_MANAGER = "ou_demo_M003";
const LANSHAN_MANAGER = "ou_demo_M004";
const OFFICE_GROUP = "oc_office_group";
const DONGGANG_GROUP = "oc_demo_office_1";
const LANSHAN_GROUP = "oc_demo_office_2";

describe("offices: a city's office and its district offices in one deployment", () => {
  let dir: string;
  // the Shanghai year (the Worker's TIMEZONE), read when the file's orders are issued, not the host's at load
  let year: number;
  let donggang: { code: string; name: string; supervisor: string };
  let donggang2: { code: string; name: string };
  let lanshan: { code: string; name: string; supervisor: string };
  let citySchool: { code: string; name: string };

  const schoolIn = async (where: string) =>
    (
      await worker.query<{ code: string; name: string; supervisor: string }>(
        `SELECT s.code, s.name, s.supervisor_code AS supervisor FROM schools s JOIN zones z ON z.code = s.zone_code WHERE ${where} ORDER BY s.code LIMIT 2`,
      )
    );

  const worker = useWorker({
    teardown: () => {
      rmSync(dir, { recursive: true, force: true });
    },
    setup: async () => {
      year = shanghaiYear();
      dir = mkdtempSync(join(tmpdir(), "duxue-offices-"));
      const demo = generateDemoRoster();
      for (const kind of ["offices", "zones", "people", "schools"] as const) writeFileSync(join(dir, `${kind}.csv`), demo[kind]);
      await seedRoster(worker, dir);
      [donggang, donggang2] = (await schoolIn("z.district = '日照东港区'")) as [typeof donggang, typeof donggang];
      lanshan = (await schoolIn("z.district = '日照岚山区'"))[0]!;
      citySchool = (await schoolIn("z.level = 'city'"))[0]!;
    },
  });

  it("loads the demo city's offices as a tree", async () => {
    const offices = await worker.query<{ code: string; short_name: string; parent_code: string | null; district: string }>(
      "SELECT code, short_name, parent_code, district FROM offices ORDER BY code",
    );
    expect(offices).toHaveLength(11);
    expect(offices[0]).toEqual({ code: "RZ", short_name: "日照", parent_code: null, district: "" });
    expect(offices[1]).toEqual({ code: "RZ01", short_name: "东港", parent_code: "RZ", district: "日照东港区" });
    expect(await worker.query("SELECT office_code FROM people WHERE code IN ('M002', 'M003') ORDER BY code")).toEqual([{ office_code: "RZ" }, { office_code: "RZ01" }]);
  });

  it("a district manager issues for its own district, with its office's number", async () => {
    year = shanghaiYear();
    const toSupervisor = () => worker.fake.messagesTo(`ou_demo_${donggang.supervisor}`).length;
    const before = toSupervisor();
    const { texts } = await worker.say(DONGGANG_MANAGER, `督办 ${donggang.code} 7天 校门口交通安全整改`);
    expect(texts.join("\n")).toContain(`东港督办〔${year}〕1号`);
    expect(await worker.query("SELECT number, office_code FROM orders WHERE school_code = ?1", donggang.code)).toEqual([
      { number: `东港督办〔${year}〕1号`, office_code: "RZ01" },
    ]);
    expect(toSupervisor()).toBe(before + 1);
  });

  it("refuses a school of another district by name: nothing stored, nothing sent", async () => {
    const orders = await worker.count("orders");
    const sequences = await worker.query("SELECT * FROM order_sequences ORDER BY office_code, kind");
    const sent = worker.fake.messages.length;
    const { texts, replies } = await worker.say(DONGGANG_MANAGER, `督办 ${donggang2.code},${lanshan.code} 7天 消防通道整改`);
    expect(texts.join("\n")).toContain("不属于您所在督导室的管辖范围，未下发任何文书");
    expect(texts.join("\n")).toContain(`${lanshan.name}（${lanshan.code}）`);
    expect(texts.join("\n")).not.toContain(donggang2.name);
    expect(await worker.count("orders")).toBe(orders);
    expect(await worker.query("SELECT * FROM order_sequences ORDER BY office_code, kind")).toEqual(sequences);
    expect(worker.fake.messages.length - sent).toBe(replies.length);
    expect(replies.every((m) => m.chatId === `oc_p2p_${DONGGANG_MANAGER}`)).toBe(true);
  });

  it("the city's manager issues anywhere, numbered by the city's office, in a sequence of its own", async () => {
    const { texts } = await worker.say(CITY_MANAGER, `督办 ${donggang2.code} 10天 食堂卫生整改`);
    expect(texts.join("\n")).toContain(`日照督办〔${year}〕1号`);
    const second = await worker.say(CITY_MANAGER, `督办 ${citySchool.code} 10天 围墙修缮`);
    expect(second.texts.join("\n")).toContain(`日照督办〔${year}〕2号`);
    const third = await worker.say(DONGGANG_MANAGER, `通报 ${donggang.code} 10天 专项检查通报`);
    expect(third.texts.join("\n")).toContain(`东港督导通报〔${year}〕1号`);
  });

  it("another district's manager can neither see nor change an order; the number is accepted as printed", async () => {
    const number = `东港督办〔${year}〕1号`;
    for (const command of [`查看 ${number}`, `撤销 ${number} 不需要了`, `延期 ${number} 30天`]) {
      const { texts } = await worker.say(LANSHAN_MANAGER, command);
      expect(texts.join("\n")).toContain("没有找到");
    }
    expect(await worker.query("SELECT status FROM orders WHERE number = ?1", number)).toEqual([{ status: "issued" }]);
    const own = await worker.say(DONGGANG_MANAGER, `查看 东港督办[${year}]1号`);
    expect(own.texts.join("\n")).toContain(number);
    const city = await worker.say(CITY_MANAGER, `延期 ${number} 30天`);
    expect(city.texts.join("\n")).toContain(number);
    expect(await worker.count("order_events", "action = 'extended'")).toBe(1);
  });

  it("`督办单` and `导出` of a district manager show only its district", async () => {
    const list = await worker.say(DONGGANG_MANAGER, "督办单 全部");
    const text = list.texts.join("\n");
    expect(text).toContain(`东港督办〔${year}〕1号`);
    expect(text).toContain(`日照督办〔${year}〕1号`); // the city's order for a 东港 school
    expect(text).not.toContain(`日照督办〔${year}〕2号`); // a city-level school
    const lanshanList = await worker.say(LANSHAN_MANAGER, "督办单 全部");
    expect(lanshanList.texts.join("\n")).not.toContain("督办〔");

    const exported = await worker.say(DONGGANG_MANAGER, "导出 督办单 csv");
    expect(exported.texts[0]).toMatch(/^已导出督导文书 3 行/);
    const file = worker.fake.messages.filter((m) => m.msgType === "file").at(-1)!;
    const csv = new TextDecoder().decode(worker.fake.uploadOf(file)!.bytes);
    expect(csv).toContain(donggang.name);
    expect(csv).not.toContain(citySchool.name);
    const cityExport = await worker.say(CITY_MANAGER, "导出 督办单 csv");
    expect(cityExport.texts[0]).toMatch(/^已导出督导文书 4 行/);
  });

  it("`本周 <督学>`, `请假` on behalf and `排班 发送` stay within the office", async () => {
    const other = await worker.say(DONGGANG_MANAGER, `本周 ${lanshan.supervisor}`);
    expect(other.texts.join("\n")).toContain(`${lanshan.supervisor} 不属于您所在督导室的管辖范围`);
    const leaves = await worker.count("leaves");
    const leave = await worker.say(DONGGANG_MANAGER, `请假 ${lanshan.supervisor} 2099-01-05 2099-01-09 培训`);
    expect(leave.texts.join("\n")).toContain("不属于您所在督导室的管辖范围");
    expect(await worker.count("leaves")).toBe(leaves);
    const send = await worker.say(DONGGANG_MANAGER, "排班 发送");
    expect(send.texts.join("\n")).toContain("排班发送面向全市");
    expect(await worker.count("plan_runs", "sent_at IS NOT NULL")).toBe(0);
  });

  it("`发送状态` counts only messages to the office's people; a zone digest of another district is refused", async () => {
    const sentCount = (text: string) => Number(/已发送 (\d+)/.exec(text)?.[1] ?? NaN);
    // counted before asking: the answers to the two commands below are messages to the office's people too
    const toDistrictPeople = await worker.count(
      "outbox",
      `state = 'sent' AND receive_id IN (SELECT p.open_id FROM people p LEFT JOIN schools s ON s.code = p.school_code LEFT JOIN zones z ON z.code = COALESCE(p.zone_code, s.zone_code)
        WHERE z.district = '日照东港区' OR p.office_code = 'RZ01')`,
    );
    const district = sentCount((await worker.say(DONGGANG_MANAGER, "发送状态")).texts.join("\n"));
    const city = sentCount((await worker.say(CITY_MANAGER, "发送状态")).texts.join("\n"));
    expect(district).toBe(toDistrictPeople);
    expect(city).toBeGreaterThan(district);
    const lanshanZone = (await worker.query<{ zone: string }>("SELECT zone_code AS zone FROM schools WHERE code = ?1", lanshan.code))[0]!.zone;
    const { answer } = await worker.click(DONGGANG_MANAGER, { action: "digest_zone", week: "2026-W01", zone: lanshanZone });
    expect(answer.toast).toEqual({ type: "error", content: `责任区 ${lanshanZone} 不属于您所在督导室的管辖范围。` });
  });

  it("each office's group gets Monday's digest of its own zones; the city's adds a row per district office", async () => {
    // last week: one visit planned in each of the three schools' zones, the 东港 one reported
    const lastWeek = currentWeek(Date.now(), "Asia/Shanghai");
    const monday = new Date(localMidnightMs(weekStart(addWeeks(lastWeek, 1)), "Asia/Shanghai") + 9 * 3_600_000);
    const now = Date.now();
    for (const [school, status] of [
      [donggang, "reported"],
      [lanshan, "planned"],
      [citySchool, "planned"],
    ] as const) {
      const [row] = await worker.query<{ supervisor: string }>("SELECT supervisor_code AS supervisor FROM schools WHERE code = ?1", school.code);
      await worker.query(
        "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?1, ?2, ?3, 'routine', ?4, ?5, ?5)",
        lastWeek,
        row!.supervisor,
        school.code,
        status,
        now,
      );
    }
    const before = worker.fake.messages.length;
    await worker.runCron("0 1 * * *", monday);
    const sent = worker.fake.messages.slice(before);
    const to = (chat: string) => sent.filter((m) => m.receiveId === chat).map((m) => FakeFeishu.textOf(m));

    const city = to(OFFICE_GROUP);
    expect(city).toHaveLength(1);
    expect(city[0]).toContain("日照市人民政府教育督导室 · 督导周报");
    expect(city[0]).toContain("计划 3 次 · 已报告 1 次");
    expect(city[0]).toContain("**各区县督导室**（10 个）");
    expect(city[0]).toContain("日照东港区人民政府教育督导室：计划 1 · 已报告 1（100%）");
    expect(city[0]).toContain("日照岚山区人民政府教育督导室：计划 1 · 已报告 0（0%）");

    const east = to(DONGGANG_GROUP);
    expect(east).toHaveLength(1);
    expect(east[0]).toContain("日照东港区人民政府教育督导室 · 督导周报");
    expect(east[0]).toContain("计划 1 次 · 已报告 1 次");
    expect(east[0]).not.toContain("岚山");
    expect(east[0]).not.toContain("各区县督导室");

    const lan = to(LANSHAN_GROUP);
    expect(lan).toHaveLength(1);
    expect(lan[0]).toContain("计划 1 次 · 已报告 0 次");
    expect(lan[0]).not.toContain("东港");
  });
});
