import { readFileSync } from "node:fs";
import { join } from "node:path";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { readWorkbook, writeWorkbook, type XlsxSheet } from "../../src/xlsx/workbook.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { FIXTURE_ROSTER } from "../support/roster.ts";
import { ADMIN_OPEN_ID, messageEvent } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";

/** Excel rosters through chat: a workbook with a sheet per file imports exactly like the CSV files. */
describe("roster import from Excel", () => {
  let counter = 0;

  async function sendFile(fileName: string, content: string | Uint8Array, openId = ADMIN_OPEN_ID) {
    const messageId = `om_xlsx_${++counter}`;
    const fileKey = `file_v3_x${counter}`;
    worker.fake.addFile(messageId, fileKey, fileName, content);
    const before = worker.fake.messages.length;
    const response = await worker.post(
      "/feishu/events",
      messageEvent({ eventId: worker.nextEventId(), messageId, openId, chatType: "p2p", messageType: "file", content: { file_key: fileKey, file_name: fileName }, mentions: [] }),
    );
    expect(response.status).toBe(200);
    await worker.settle();
    return worker.fake.messages.slice(before).map((m) => FakeFeishu.textOf(m)).join("\n");
  }

  /** A fixture CSV as a sheet: its header row and its rows, every cell as the text it has in the CSV. */
  const csvSheet = (file: string, name: string): XlsxSheet => {
    const [header, ...rows] = Papa.parse<string[]>(readFileSync(join(FIXTURE_ROSTER, file), "utf8").replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
    return { name, columns: header!.map((h) => ({ header: h, width: 12 })), rows };
  };
  const rosterRows = async () => ({
    zones: await worker.query("SELECT code, name, level, district, lead_code FROM zones ORDER BY code"),
    people: await worker.query("SELECT code, name, role, zone_code, school_code, mobile, email, open_id, lang, active FROM people ORDER BY code"),
    schools: await worker.query("SELECT code, name, zone_code, supervisor_code, stage, ownership, address, visits_per_month, active FROM schools ORDER BY code"),
  });
  const clearRoster = () => Promise.all(["zones", "people", "schools"].map((table) => worker.query(`DELETE FROM ${table}`)));

  const worker = useWorker({
    setup: async () => {
      worker.fake.directory.set("emily@example.edu.cn", "ou_emily_resolved");
    },
  });

  it("one workbook (责任区 / 人员 / 学校) imports exactly what the three CSV files import", async () => {
    const book = await writeWorkbook([csvSheet("schools.csv", "学校"), csvSheet("zones.csv", "责任区"), csvSheet("people.csv", "人员"), { name: "说明", columns: [{ header: "备注", width: 20 }], rows: [["不导入"]] }]);
    const answer = await sendFile("roster.xlsx", book);
    expect(answer).toContain("✅ 已导入 roster.xlsx 工作表「责任区」（责任区）：新增 2 行");
    expect(answer).toContain("✅ 已导入 roster.xlsx 工作表「人员」（人员）：新增 6 行");
    expect(answer).toContain("✅ 已导入 roster.xlsx 工作表「学校」（学校）：新增 8 行");
    expect(answer).toContain("已通过手机号/邮箱匹配 1 人的飞书账号。");
    expect(answer).toContain("已忽略无法识别的工作表：说明");
    expect(answer).not.toContain("尚未导入");
    const fromExcel = await rosterRows();

    await clearRoster();
    for (const file of ["zones.csv", "people.csv", "schools.csv"]) expect(await sendFile(file, readFileSync(join(FIXTURE_ROSTER, file), "utf8"))).toContain("✅ 已导入");
    expect(await rosterRows()).toEqual(fromExcel);
    expect(fromExcel.schools).toHaveLength(8);
    // the same workbook again changes nothing
    expect(await sendFile("roster.xlsx", book)).toContain("新增 0 行，更新 0 行，未变 8 行");
  });

  it("a bad row is named by sheet and row, and nothing of the workbook is imported", async () => {
    await clearRoster();
    const people = csvSheet("people.csv", "people");
    people.rows[1]![2] = "校长"; // row 3 of the sheet
    const answer = await sendFile("名册.xlsx", await writeWorkbook([csvSheet("zones.csv", "zones"), people, csvSheet("schools.csv", "schools")]));
    expect(answer).toContain("❌ 名册.xlsx 有 1 处错误，未导入任何工作表。");
    expect(answer).toContain("名册.xlsx 工作表「people」第 3 行：角色「校长」无效");
    expect(await worker.count("zones")).toBe(0);
    expect(await worker.count("people")).toBe(0);
    expect(await sendFile("broken.xlsx", "not a workbook")).toContain("无法读取「broken.xlsx」");
    expect(await worker.count("zones")).toBe(0);
  });

  it("separate files: zones.xlsx is the zones file whatever its sheet is called", async () => {
    await clearRoster();
    expect(await sendFile("zones.xlsx", await writeWorkbook([csvSheet("zones.csv", "Sheet1")]))).toContain("✅ 已导入 zones.xlsx 工作表「Sheet1」（责任区）：新增 2 行");
    expect(await worker.count("zones")).toBe(2);
  });

  it("the roster template round-trips: filled in and sent back, it imports", async () => {
    await clearRoster();
    await worker.query("INSERT INTO people (code, name, role, open_id, lang, active, created_at, updated_at) VALUES ('M001', '管理员', 'manager', 'ou_mgr_1', 'zh', 1, 0, 0)");
    const { texts } = await worker.say("ou_mgr_1", "名册模板");
    expect(texts[0]).toContain("名册模板随后发送");
    const message = worker.fake.messages.filter((m) => m.msgType === "file").at(-1)!;
    const upload = worker.fake.uploadOf(message)!;
    expect(upload.name).toBe("督学名册模板.xlsx");
    const template = await readWorkbook(upload.bytes);
    expect(template.map((s) => s.name)).toEqual(["督导室", "责任区", "人员", "学校"]);
    expect(template[2]!.rows[0]).toEqual(["编号", "姓名", "角色", "责任区编号", "学校编号", "手机", "邮箱", "open_id", "语言", "所属督导室"]);
    expect(template[3]!.rows).toHaveLength(2);

    // as it comes: the example rows import
    expect(await sendFile("督学名册模板.xlsx", upload.bytes)).toContain("✅ 已导入 督学名册模板.xlsx 工作表「学校」（学校）：新增 1 行");
    // filled in: one more school
    const filled = template.map((sheet) => ({
      name: sheet.name,
      columns: (sheet.rows[0] as string[]).map((header) => ({ header, width: 12 })),
      rows: [...sheet.rows.slice(1).map((row) => row.map((cell) => (cell instanceof Date || typeof cell === "boolean" ? String(cell) : cell))), ...(sheet.name === "学校" ? [["SCH002", "日照市第一中学", "Z01", "S001", "高中", "公办", "", 2]] : [])],
    }));
    const answer = await sendFile("名册.xlsx", await writeWorkbook(filled));
    expect(answer).toContain("工作表「学校」（学校）：新增 1 行，更新 0 行，未变 1 行");
    expect(await worker.query("SELECT code, supervisor_code, stage, visits_per_month FROM schools ORDER BY code")).toEqual([
      { code: "SCH001", supervisor_code: "S001", stage: "primary", visits_per_month: 1 },
      { code: "SCH002", supervisor_code: "S001", stage: "senior", visits_per_month: 2 },
    ]);
  });
});
