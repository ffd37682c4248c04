import { describe, expect, it } from "vitest";
import { checkOfficeTree, districtOffices, officeOfZone, scopeOf, scopeParam, zoneInScope, type Office } from "../../src/domain/offices.ts";
import { formatOrderNumber } from "../../src/domain/orders.ts";
import { messages } from "../../src/i18n/index.ts";
import { parseRoster } from "../../src/roster/parse.ts";
import { removedPeople, rowsOutOfScope, topAdmins, type StoredPerson } from "../../src/roster/review.ts";

const office = (code: string, parentCode: string | null, district = "", shortName = code): Office => ({ code, name: `${code}督导室`, shortName, parentCode, district, digestChatId: null });
// a province over a city over two districts, and a second city with one
const tree = [office("SD", null), office("RZ", "SD"), office("DG", "RZ", "东港区", "东港"), office("LS", "RZ", "岚山区"), office("LY", "SD"), office("LS2", "LY", "兰山区")];

describe("offices: who covers which zones", () => {
  it("the top office covers everything; an office its own district and those of the offices below it", () => {
    expect(scopeOf(tree, "SD")).toMatchObject({ isTop: true, districts: null });
    expect(scopeOf(tree, "RZ").districts).toEqual(["东港区", "岚山区"]);
    expect(scopeOf(tree, "DG").districts).toEqual(["东港区"]);
    expect(scopeOf(tree, "UNKNOWN")).toMatchObject({ isTop: false, office: null, districts: [] });
    expect(scopeOf(tree, null)).toMatchObject({ isTop: false, office: null, districts: [] });
    expect(scopeOf([], "DG")).toMatchObject({ office: null, isTop: true, districts: null });
    expect(scopeParam(scopeOf(tree, "DG"))).toBe('["东港区"]');
    expect(scopeParam(scopeOf(tree, "SD"))).toBeNull();
  });

  it("a city-level zone is the top office's, a district-level one its district office's", () => {
    const dg = scopeOf(tree, "DG");
    expect(zoneInScope(dg, { level: "district", district: "东港区" })).toBe(true);
    expect(zoneInScope(dg, { level: "district", district: "岚山区" })).toBe(false);
    expect(zoneInScope(dg, { level: "city", district: "" })).toBe(false);
    expect(officeOfZone(tree, { level: "district", district: "岚山区" })?.code).toBe("LS");
    expect(officeOfZone(tree, { level: "district", district: "无名区" })?.code).toBe("SD");
    expect(officeOfZone(tree, { level: "city", district: "" })?.code).toBe("SD");
    expect(districtOffices(tree).map((o) => o.code)).toEqual(["LY", "RZ"]);
  });

  it("checks a tree: one top, parents that exist, no loops, a district run once", () => {
    expect(checkOfficeTree(tree)).toEqual([]);
    expect(checkOfficeTree([office("A", "B"), office("B", "A")]).map((p) => p.kind)).toEqual(["no_top", "cycle", "cycle"]);
    expect(checkOfficeTree([office("A", null), office("B", null)])).toEqual([{ kind: "many_tops", codes: ["A", "B"] }]);
    expect(checkOfficeTree([office("A", null), office("B", "X")])).toEqual([{ kind: "unknown_parent", code: "B", parent: "X" }]);
    expect(checkOfficeTree([office("A", null), office("B", "A", "东港区"), office("C", "A", "东港区")])).toEqual([{ kind: "district_twice", district: "东港区", codes: ["B", "C"] }]);
  });

  it("numbers carry the office's short name", () => {
    expect(formatOrderNumber("东港督办", 2026, 3)).toBe("东港督办〔2026〕3号");
  });
});

describe("offices.csv and office_code", () => {
  const t = messages("zh");
  const context = { zoneCodes: new Set(["Z01"]), supervisorCodes: new Set<string>(), openIds: new Map<string, string>(), officeCodes: new Set(["RZ", "DG"]) };

  it("parses Chinese headers and refuses a bad tree or chat id whole", () => {
    const good = parseRoster("offices", "编号,名称,简称,上级编号,区县,周报群\nRZ,日照市督导室,日照,,,\nDG,东港区督导室,东港,RZ,东港区,oc_abc\n", context, t);
    expect(good.errors).toEqual([]);
    expect(good.rows[1]).toEqual({ code: "DG", name: "东港区督导室", shortName: "东港", parentCode: "RZ", district: "东港区", digestChatId: "oc_abc", publicPhone: null });
    const bad = parseRoster("offices", "code,name,short_name,parent_code,district,digest_chat_id\nRZ,日照,日照,,,\nDG,东港,东港,RZ,东港区,https://x\nLS,岚山,岚山,,岚山区,\n", context, t);
    expect(bad.errors.map((e) => e.line)).toEqual([3, 4]);
  });

  it("people.csv: office_code must exist, and counts only for managers and admins", () => {
    const parsed = parseRoster("people", "code,name,role,zone_code,所属督导室\nM1,甲,manager,,DG\nM2,乙,manager,,XX\nS1,丙,supervisor,Z01,DG\n", context, t);
    expect(parsed.errors).toEqual([{ line: 3, reason: "督导室编号 XX 不存在（请先导入 offices.csv）" }]);
    expect(parsed.rows.map((row) => row.officeCode)).toEqual(["DG", "XX", null]);
  });
});

describe("roster review", () => {
  const offices = [office("RZ", null), office("DG", "RZ", "东港区")];
  const lookup = { offices, zones: new Map([["Z01", { level: "city" as const, district: "" }], ["Z02", { level: "district" as const, district: "东港区" }]]), schoolZones: new Map([["X1", "Z02"]]) };
  const person = (code: string, role: StoredPerson["role"], extra: Partial<StoredPerson> = {}): StoredPerson => ({ code, name: code, role, zoneCode: null, schoolCode: null, officeCode: null, active: 1, ...extra });
  const stored = [person("A1", "admin", { officeCode: "RZ" }), person("A2", "admin", { officeCode: "DG" }), person("S1", "supervisor", { zoneCode: "Z01" }), person("S2", "supervisor", { zoneCode: "Z02" }), person("T1", "school_contact", { schoolCode: "X1" })];

  it("a district admin removes and imports only people of its district", () => {
    const dg = scopeOf(offices, "DG");
    expect(removedPeople([], stored, dg, lookup).map((p) => p.code)).toEqual(["A2", "S2", "T1"]);
    expect(removedPeople([], stored, scopeOf(offices, "RZ"), lookup)).toHaveLength(5);
    const t = messages("zh");
    const parsed = parseRoster("people", "code,name,role,zone_code\nS1,甲,supervisor,Z01\nS2,乙,supervisor,Z02\n", { zoneCodes: new Set(["Z01", "Z02"]), supervisorCodes: new Set(), openIds: new Map(), officeCodes: new Set(["RZ", "DG"]) }, t);
    expect(rowsOutOfScope(parsed, dg, lookup)).toEqual([0]);
  });

  it("the top office keeps an administrator", () => {
    expect(topAdmins(stored, [], new Set(["A1"]), offices)).toMatchObject({ after: [] });
    expect(topAdmins(stored, [], new Set(["A2"]), offices).after).toEqual(["A1"]);
    const demoted = { code: "A1", name: "A1", role: "manager" as const, zoneCode: null, schoolCode: null, mobile: null, email: null, openId: null, lang: "zh" as const, officeCode: "RZ" };
    expect(topAdmins(stored, [demoted], new Set(), offices).after).toEqual([]);
  });
});
