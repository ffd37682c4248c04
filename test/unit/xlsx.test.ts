import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { parseRoster } from "../../src/roster/parse.ts";
import { rosterSheets } from "../../src/roster/workbook.ts";
import { messages } from "../../src/i18n/index.ts";
import { readWorkbook, sheetName, UnreadableWorkbook, writeWorkbook } from "../../src/xlsx/workbook.ts";

describe("workbooks", () => {
  it("round-trips typed cells: numbers, dates, and text that looks like a formula", async () => {
    const bytes = await writeWorkbook([
      { name: "表/一:[1]", columns: [{ header: "名称", width: 20 }, { header: "数", width: 8 }, { header: "日期", width: 12 }], rows: [["=SUM(A1)", 42, { date: "2026-11-03" }], ["+86 138", null, { date: "not a date" }]] },
      { name: "second", columns: [{ header: "a", width: 8 }], rows: [] },
    ]);
    const [first, second] = await readWorkbook(bytes);
    expect(first!.name).toBe(sheetName("表/一:[1]"));
    expect(first!.name).toBe("表 一  1 ");
    expect(first!.rows[0]).toEqual(["名称", "数", "日期"]);
    expect(first!.rows[1]![0]).toBe("=SUM(A1)");
    expect(first!.rows[1]![1]).toBe(42);
    expect((first!.rows[1]![2] as Date).toISOString()).toBe("2026-11-03T00:00:00.000Z");
    expect(first!.rows[2]).toEqual(["+86 138", null, null]);
    expect(second!.rows).toEqual([["a"]]);
  });

  it("refuses what is not a workbook, and a zip that would unpack to more than the limit (64 MB), before unpacking it", async () => {
    await expect(readWorkbook(new TextEncoder().encode("code,name\nZ01,x"))).rejects.toBeInstanceOf(UnreadableWorkbook);
    const bomb = zipSync({ "xl/worksheets/sheet1.xml": new Uint8Array(4 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(20_000);
    await expect(readWorkbook(bomb, 1024 * 1024)).rejects.toThrow(/unpacks to 4194304 bytes/);
  });
});

describe("roster sheets", () => {
  const t = messages("zh");
  it("turn into the CSV files the parser takes, row for row, in import order", async () => {
    const bytes = await writeWorkbook([
      { name: "学校", columns: ["编号", "学校名称", "责任区编号", "学段", "办学性质", "每月督导次数"].map((header) => ({ header, width: 10 })), rows: [["SCH1", "一小", "Z01", "小学", "公办", 2], ["SCH2", "二小, \"东\"", "Z01", "初中", "校办", 1]] },
      { name: "Zones", columns: ["code", "name", "level"].map((header) => ({ header, width: 10 })), rows: [["Z01", "一区", "市级"]] },
      { name: "封面", columns: [{ header: "x", width: 5 }], rows: [] },
    ]);
    const { sheets, skipped } = await rosterSheets(bytes, "名册.xlsx");
    expect(sheets.map((s) => [s.sheet, s.fileName, s.kind])).toEqual([
      ["Zones", "zones.csv", "zones"],
      ["学校", "schools.csv", "schools"],
    ]);
    expect(skipped).toEqual(["封面"]);
    const schools = parseRoster("schools", sheets[1]!.text, { zoneCodes: new Set(["Z01"]), supervisorCodes: new Set(), openIds: new Map() }, t);
    expect(schools.rows[0]).toMatchObject({ code: "SCH1", visitsPerMonth: 2, stage: "primary" });
    // the bad ownership is on the sheet's row 3
    expect(schools.errors).toEqual([{ line: 3, reason: t.roster.errors.badOwnership("校办") }]);
  });
});
