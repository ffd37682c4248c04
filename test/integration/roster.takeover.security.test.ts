import { describe, expect, it } from "vitest";
import { scopeOf, type Office } from "../../src/domain/offices.ts";
import { rosterUpserts } from "../../src/db/roster-sql.ts";
import { writeWorkbook } from "../../src/xlsx/workbook.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { OPEN_IDS } from "../support/offices-roster.ts";
import { messageEvent } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";
import { expectRefusedClick } from "../support/refusal.ts";

/**
 * Roster takeover (issue 22): an office's admin changes only what is in its office's scope, as stored and as the
 * file changes it. A code another office owns is refused by name and line and nothing of that file is imported;
 * people of a higher office are neither changed nor offered for deactivation, and the deactivate button checks
 * again; only the top office's admin moves a zone between districts; the store's upsert holds the same wall.
 * The roster: 日照市督导室 (RZ) over 东港 (DG) and 岚山 (LS) (test/support/offices-roster.ts).
 */
describe("roster takeover between offices is refused", () => {
  let counter = 0;
  const PEOPLE_HEADER = "code,name,role,zone_code,school_code,mobile,email,open_id,lang,office_code";
  const DG_PEOPLE = ["A001,东港管理员,admin,,,,,ou_a_dg,zh,DG", "M001,东港科长,manager,,,,,ou_m_dg,zh,DG", "S001,东港督学,supervisor,Z-A01,,,,ou_s_dg,zh,", "T001,东港联系人,school_contact,,X-A01,,,ou_t_dg,zh,"];

  async function sendFile(openId: string, fileName: string, content: string | Uint8Array) {
    const messageId = `om_takeover_${++counter}`;
    const fileKey = `file_v3_takeover_${counter}`;
    worker.fake.addFile(messageId, fileKey, fileName, content);
    const before = worker.fake.messages.length;
    const response = await worker.post(
      "/feishu/events",
      messageEvent({ eventId: worker.nextEventId(), messageId, openId, chatType: "p2p", messageType: "file", content: { file_key: fileKey, file_name: fileName } }),
    );
    expect(response.status).toBe(200);
    await worker.settle();
    return worker.fake.messages.slice(before);
  }
  const texts = (messages: { content: unknown }[]) => messages.map((m) => FakeFeishu.textOf(m as never)).join("\n");
  /** Everything a roster import can change, by content. */
  const rosterState = async () => ({
    zones: await worker.query("SELECT code, name, level, district, lead_code FROM zones ORDER BY code"),
    people: await worker.query("SELECT code, name, role, zone_code, school_code, open_id, office_code, active FROM people ORDER BY code"),
    schools: await worker.query("SELECT code, name, zone_code, supervisor_code, active FROM schools ORDER BY code"),
    imports: await worker.query("SELECT kind, file_name, status FROM roster_imports ORDER BY id"),
  });
  /** The roster's people as they are now, as a people.csv (the city's admin sends the whole list). */
  const currentPeopleCsv = async () => {
    const rows = await worker.query<Record<string, string | null>>("SELECT code, name, role, zone_code, school_code, open_id, lang, office_code FROM people WHERE active = 1 ORDER BY code");
    const line = (r: Record<string, string | null>) => [r.code, r.name, r.role, r.zone_code ?? "", r.school_code ?? "", "", "", r.open_id ?? "", r.lang, r.office_code ?? ""].join(",");
    return [PEOPLE_HEADER, ...rows.map(line)].join("\n");
  };
  function buttonValues(message: { content: unknown }): Record<string, unknown>[] {
    const values: Record<string, unknown>[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        const record = node as Record<string, unknown>;
        if (record.tag === "button") values.push((record.behaviors as { value: Record<string, unknown> }[])[0]!.value);
        Object.values(record).forEach(walk);
      }
    };
    walk(message.content);
    return values;
  }

  const worker = useWorker({ roster: "offices" });

  it("zones.csv: 岚山's admin cannot take 东港's zone by naming its own district; nothing of the file is imported", async () => {
    const before = await rosterState();
    const file = ["code,name,level,district,lead_code", "Z-B01,岚山第一责任区（改）,district,岚山区,", "Z-B02,岚山第二责任区,district,岚山区,", "Z-A01,东港第一责任区,district,岚山区,"].join("\n");
    const answer = texts(await sendFile(OPEN_IDS.lsAdmin, "zones.csv", file));
    expect(answer).toContain("❌ zones.csv 有 1 处错误，未导入任何数据");
    expect(answer).toContain("zones.csv 第 4 行：责任区 Z-A01 属于〈东港区督导室〉，不能由〈岚山区督导室〉修改");
    expect(await rosterState()).toEqual(before);
    expect(worker.fake.messagesTo(OPEN_IDS.dgAdmin)).toHaveLength(0);
  });

  it("schools.csv: a school of 东港 cannot be moved into 岚山's zone by 岚山's admin", async () => {
    const before = await rosterState();
    const file = ["code,name,zone_code,supervisor_code,stage,ownership,address,visits_per_month", "X-A01,东港第一小学,Z-B01,S002,primary,public,东港路1号,1"].join("\n");
    const answer = texts(await sendFile(OPEN_IDS.lsAdmin, "schools.csv", file));
    expect(answer).toContain("schools.csv 第 2 行：学校 X-A01 属于〈东港区督导室〉，不能由〈岚山区督导室〉修改");
    expect(await rosterState()).toEqual(before);
  });

  it("an .xlsx workbook is held to the same wall: every taken row is named by sheet and row, and no sheet is imported", async () => {
    const before = await rosterState();
    const book = await writeWorkbook([
      {
        name: "责任区",
        columns: ["code", "name", "level", "district", "lead_code"].map((header) => ({ header, width: 12 })),
        rows: [
          ["Z-B02", "岚山第二责任区", "district", "岚山区", ""],
          ["Z-A01", "东港第一责任区", "district", "岚山区", ""],
        ],
      },
      {
        name: "学校",
        columns: ["code", "name", "zone_code", "supervisor_code", "stage", "ownership", "address", "visits_per_month"].map((header) => ({ header, width: 12 })),
        rows: [["X-A01", "东港第一小学", "Z-B02", "S002", "primary", "public", "东港路1号", "1"]],
      },
    ]);
    const answer = texts(await sendFile(OPEN_IDS.lsAdmin, "roster.xlsx", book));
    expect(answer).toContain("❌ roster.xlsx 有 2 处错误，未导入任何工作表");
    expect(answer).toContain("roster.xlsx 工作表「责任区」第 3 行：责任区 Z-A01 属于〈东港区督导室〉，不能由〈岚山区督导室〉修改");
    expect(answer).toContain("roster.xlsx 工作表「学校」第 2 行：学校 X-A01 属于〈东港区督导室〉，不能由〈岚山区督导室〉修改");
    expect(await rosterState()).toEqual(before);
  });

  it("people.csv: a district admin can neither re-assign the city's manager nor demote the city's admin", async () => {
    const before = await rosterState();
    const reassign = [PEOPLE_HEADER, ...DG_PEOPLE, "M000,市科长,manager,,,,,ou_m_city,zh,DG"].join("\n");
    const first = texts(await sendFile(OPEN_IDS.dgAdmin, "people.csv", reassign));
    expect(first).toContain("people.csv 第 6 行：人员 M000 属于〈日照市督导室〉，不能由〈东港区督导室〉修改");
    const demote = [PEOPLE_HEADER, ...DG_PEOPLE, "A000,市管理员,supervisor,Z-A01,,,,ou_a_city,zh,"].join("\n");
    const second = texts(await sendFile(OPEN_IDS.dgAdmin, "people.csv", demote));
    expect(second).toContain("people.csv 第 6 行：人员 A000 属于〈日照市督导室〉，不能由〈东港区督导室〉修改");
    expect(await rosterState()).toEqual(before);
    // the city's manager still acts for the whole city
    expect((await worker.say(OPEN_IDS.cityManager, "我是谁")).texts.join("\n")).toContain("市科长");
  });

  it("an office's admin still imports its own zones, schools and people, moving them within its office", async () => {
    const zones = texts(await sendFile(OPEN_IDS.lsAdmin, "zones.csv", "code,name,level,district,lead_code\nZ-B01,岚山第一责任区（改）,district,岚山区,\nZ-B02,岚山第二责任区,district,岚山区,\n"));
    expect(zones).toContain("✅ 已导入 zones.csv（责任区）：新增 1 行，更新 1 行");
    const people = [PEOPLE_HEADER, "A002,岚山管理员,admin,,,,,ou_a_ls,zh,LS", "M002,岚山科长,manager,,,,,ou_m_ls,zh,LS", "S002,岚山督学,supervisor,Z-B02,,,,ou_s_ls,zh,", "S003,岚山新督学,supervisor,Z-B01,,,,ou_s_ls3,zh,"];
    const answer = texts(await sendFile(OPEN_IDS.lsAdmin, "people.csv", people.join("\n")));
    expect(answer).toContain("新增 1 行，更新 1 行，未变 2 行");
    expect(answer).not.toContain("确认停用");
    const schools = texts(await sendFile(OPEN_IDS.lsAdmin, "schools.csv", "code,name,zone_code,supervisor_code,stage,ownership,address,visits_per_month\nX-B01,岚山第一小学,Z-B02,S002,primary,public,岚山路1号,1\n"));
    expect(schools).toContain("✅ 已导入 schools.csv（学校）：新增 0 行，更新 1 行");
    expect(await worker.query("SELECT code, name, district FROM zones WHERE district = '岚山区' ORDER BY code")).toEqual([
      { code: "Z-B01", name: "岚山第一责任区（改）", district: "岚山区" },
      { code: "Z-B02", name: "岚山第二责任区", district: "岚山区" },
    ]);
    expect(await worker.query("SELECT code, zone_code FROM people WHERE code IN ('S002', 'S003') ORDER BY code")).toEqual([
      { code: "S002", zone_code: "Z-B02" },
      { code: "S003", zone_code: "Z-B01" },
    ]);
    expect(await worker.query("SELECT zone_code FROM schools WHERE code = 'X-B01'")).toEqual([{ zone_code: "Z-B02" }]);
  });

  it("the deactivation offer lists only the importer's own people, and the button checks again when pressed", async () => {
    // 东港's admin leaves out its own manager; the city's and 岚山's people are not in its file either
    const sent = await sendFile(OPEN_IDS.dgAdmin, "people.csv", [PEOPLE_HEADER, ...DG_PEOPLE.filter((row) => !row.startsWith("M001,"))].join("\n"));
    const answer = texts(sent);
    expect(answer).toContain("确认停用 1 人");
    expect(answer).toContain("东港科长（M001，管理员）");
    for (const outsider of ["市科长", "市管理员", "市督学", "岚山管理员", "岚山科长", "岚山督学"]) expect(answer).not.toContain(outsider);
    const [confirm] = buttonValues(sent.find((m) => m.msgType === "interactive")!);
    expect(confirm).toMatchObject({ action: "roster_deactivate", decision: "confirm" });

    // before it is pressed, the city's admin moves M001 up to the city's office
    const moved = (await currentPeopleCsv()).replace("M001,东港科长,manager,,,,,ou_m_dg,zh,DG", "M001,东港科长,manager,,,,,ou_m_dg,zh,RZ");
    expect(texts(await sendFile(OPEN_IDS.cityAdmin, "people.csv", moved))).toContain("更新 1 行");
    expect(await worker.query("SELECT office_code, active FROM people WHERE code = 'M001'")).toEqual([{ office_code: "RZ", active: 1 }]);

    const clicked = await expectRefusedClick(worker, OPEN_IDS.dgAdmin, confirm!, "不属于您所在督导室的管辖范围", { unchanged: true });
    expect(clicked).toBe("东港科长（M001） 不属于您所在督导室的管辖范围，未停用任何人。");
    expect(await worker.query("SELECT office_code, active FROM people WHERE code = 'M001'")).toEqual([{ office_code: "RZ", active: 1 }]);
    expect(await worker.query("SELECT status, deactivated FROM roster_imports WHERE actor_code = 'A001'")).toEqual([{ status: "pending", deactivated: 0 }]);
    expect((await worker.say(OPEN_IDS.dgManager, "我是谁")).texts.join("\n")).toContain("东港科长");
  });

  it("the top office's admin moves a zone between districts; after that the zone is the new district's", async () => {
    const answer = texts(await sendFile(OPEN_IDS.cityAdmin, "zones.csv", "code,name,level,district,lead_code\nZ-A01,东港第一责任区,district,岚山区,\n"));
    expect(answer).toContain("✅ 已导入 zones.csv（责任区）：新增 0 行，更新 1 行");
    expect(await worker.query("SELECT level, district FROM zones WHERE code = 'Z-A01'")).toEqual([{ level: "district", district: "岚山区" }]);

    const back = texts(await sendFile(OPEN_IDS.dgAdmin, "zones.csv", "code,name,level,district,lead_code\nZ-A01,东港第一责任区,district,东港区,\n"));
    expect(back).toContain("zones.csv 第 2 行：责任区 Z-A01 属于〈岚山区督导室〉，不能由〈东港区督导室〉修改");
    expect(await worker.query("SELECT district FROM zones WHERE code = 'Z-A01'")).toEqual([{ district: "岚山区" }]);
  });

  it("the store's upsert cannot bypass the wall: with an office's scope it writes no row stored outside it", async () => {
    const offices = (await worker.query<{ code: string; name: string; short_name: string; parent_code: string | null; district: string }>("SELECT * FROM offices")).map(
      (row): Office => ({ code: row.code, name: row.name, shortName: row.short_name, parentCode: row.parent_code, district: row.district, digestChatId: null }),
    );
    const d1 = await worker.d1();
    const zone = (code: string, district: string) => ({ code, name: `${code} 改`, level: "district" as const, district, leadCode: null });
    const person = { code: "M000", name: "市科长", role: "manager" as const, zoneCode: null, schoolCode: null, mobile: null, email: null, openId: "ou_m_city", lang: "zh" as const, officeCode: "LS" };
    const now = Date.now();
    const upserts = [
      ...rosterUpserts("zones", [zone("Z-C01", "岚山区"), zone("Z-B01", "岚山区"), zone("Z-B09", "岚山区")], now, undefined, scopeOf(offices, "LS")),
      ...rosterUpserts("people", [person], now, undefined, scopeOf(offices, "LS")),
    ];
    for (const upsert of upserts) await d1.prepare(upsert.sql).bind(...upsert.params).run();
    expect(await worker.query("SELECT code, name, level, district FROM zones WHERE code IN ('Z-C01', 'Z-B01', 'Z-B09') ORDER BY code")).toEqual([
      { code: "Z-B01", name: "Z-B01 改", level: "district", district: "岚山区" }, // its own: written
      { code: "Z-B09", name: "Z-B09 改", level: "district", district: "岚山区" }, // new: written
      { code: "Z-C01", name: "市第一责任区", level: "city", district: "" }, // the city's: untouched
    ]);
    expect(await worker.query("SELECT role, office_code FROM people WHERE code = 'M000'")).toEqual([{ role: "manager", office_code: "RZ" }]);
  });
});
