import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/i18n/index.ts";
import { parseRoster, rosterKindOf, type RosterContext } from "../../src/roster/parse.ts";
import { diffRoster } from "../../src/roster/store.ts";

const t = messages("en");
const context: RosterContext = { zoneCodes: new Set(["Z01", "Z02"]), supervisorCodes: new Set(["S001", "S003"]), openIds: new Map([["ou_taken", "X9"]]) };
const fixture = (name: string) => readFileSync(new URL(`../fixtures/roster/${name}`, import.meta.url), "utf8");

describe("roster parsing", () => {
  it("reads Chinese headers and a BOM", () => {
    const parsed = parseRoster("zones", fixture("zones.csv"), context, t);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([
      { code: "Z01", name: "市第一责任区", level: "city", district: "", leadCode: "S001" },
      { code: "Z02", name: "东港区第一责任区", level: "district", district: "东港区", leadCode: "S003" },
    ]);
  });

  it("maps Chinese role, stage and ownership names", () => {
    const people = parseRoster("people", fixture("people.csv"), context, t);
    expect(people.errors).toEqual([]);
    expect(people.rows.find((p) => p.code === "S002")?.role).toBe("supervisor");
    const schools = parseRoster("schools", fixture("schools.csv"), { ...context, supervisorCodes: new Set(["S001", "S002", "S003", "S004"]) }, t);
    expect(schools.errors).toEqual([]);
    expect(schools.rows.find((s) => s.code === "SCH003")).toMatchObject({ stage: "primary", ownership: "public", visitsPerMonth: 1 });
    expect(schools.rows.find((s) => s.code === "SCH002")?.visitsPerMonth).toBe(2);
  });

  it("names every bad row by line and reason", () => {
    const csv = [
      "code,name,role,zone_code,school_code,mobile,email,open_id,lang",
      "P1,甲,supervisor,Z99,,,,,zh",
      "P1,乙,teacher,,,,,,zh",
      "P3,,manager,,,12345,not-an-email,ou_taken,fr",
      "P4,丁,school_contact,,,,,,",
    ].join("\n");
    const parsed = parseRoster("people", csv, context, t);
    const lines = parsed.errors.map((e) => `${e.line}: ${e.reason}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        "2: zone Z99 does not exist",
        "3: code P1 appears twice in the file",
        '3: role "teacher" is not supervisor, manager, school_contact or admin',
        '4: "name" is required',
        '4: mobile "12345" is not a valid number',
        '4: email "not-an-email" is not valid',
        '4: lang "fr" is not zh or en',
        "4: open_id ou_taken belongs to another person",
        "5: a school contact needs a school_code",
      ]),
    );
  });

  it("refuses a file without the required columns", () => {
    const parsed = parseRoster("schools", "code,name\nA,B", context, t);
    expect(parsed.errors.map((e) => e.reason)).toEqual(['column "zone_code" is missing', 'column "stage" is missing', 'column "ownership" is missing']);
    expect(parseRoster("zones", "", context, t).errors[0]?.reason).toBe("the file is empty or has no header row");
  });

  it("tells files apart by name", () => {
    expect(rosterKindOf("zones.csv")).toBe("zones");
    expect(rosterKindOf("2026年人员.csv")).toBe("people");
    expect(rosterKindOf("Schools.CSV")).toBe("schools");
    expect(rosterKindOf("photo.png")).toBeNull();
  });

  it("counts added, updated and unchanged rows", () => {
    const parsed = parseRoster("zones", fixture("zones.csv"), context, t);
    const diff = diffRoster(parsed, [
      { code: "Z01", name: "市第一责任区", level: "city", district: "", leadCode: "S001" },
      { code: "Z02", name: "旧名称", level: "district", district: "东港区", leadCode: "S003" },
    ]);
    expect([diff.added.length, diff.updated.length, diff.unchanged]).toEqual([0, 1, 1]);
  });
});
