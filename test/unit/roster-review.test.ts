import { describe, expect, it } from "vitest";
import { inChainOfZone, officeChain, scopeOf, type Office } from "../../src/domain/offices.ts";
import { messages } from "../../src/i18n/index.ts";
import { parseRoster } from "../../src/roster/parse.ts";
import { reviewScope, scopeRefusalText, type StoredPerson, type StoredRoster } from "../../src/roster/review.ts";

const office = (code: string, parentCode: string | null, district = ""): Office => ({ code, name: `${code}督导室`, shortName: code, parentCode, district, digestChatId: null });
// a province over a city over two districts, and a second city with one
const tree = [office("SD", null), office("RZ", "SD"), office("DG", "RZ", "东港区"), office("LS", "RZ", "岚山区"), office("LY", "SD"), office("LN", "LY", "兰山区")];

describe("the chain of offices", () => {
  it("is the office and those above it", () => {
    expect(officeChain(tree, "DG").map((o) => o.code)).toEqual(["DG", "RZ", "SD"]);
    expect(officeChain(tree, "SD").map((o) => o.code)).toEqual(["SD"]);
    expect(officeChain([office("A", "B"), office("B", "A")], "A").map((o) => o.code)).toEqual(["A", "B"]);
  });

  it("a district zone's managers are its office's and those above, never a sibling's or another city's", () => {
    const dongGang = { level: "district" as const, district: "东港区" };
    expect(["DG", "RZ", "SD", null, "UNKNOWN", "LS", "LY", "LN"].map((code) => inChainOfZone(tree, code, dongGang))).toEqual([true, true, true, true, true, false, false, false]);
    const city = { level: "city" as const, district: "" };
    expect(["SD", "RZ", "DG"].map((code) => inChainOfZone(tree, code, city))).toEqual([true, false, false]);
    expect(inChainOfZone([], "DG", dongGang)).toBe(true);
  });
});

describe("roster review: as stored and as changed", () => {
  const t = messages("zh");
  const context = { zoneCodes: new Set(["ZD", "ZL", "ZN"]), supervisorCodes: new Set(["S1"]), openIds: new Map<string, string>(), officeCodes: new Set(tree.map((o) => o.code)) };
  const person = (code: string, role: StoredPerson["role"], extra: Partial<StoredPerson> = {}): StoredPerson => ({ code, name: code, role, zoneCode: null, schoolCode: null, officeCode: null, active: 1, ...extra });
  const stored: StoredRoster = {
    offices: tree,
    zones: new Map([
      ["ZD", { level: "district", district: "东港区" }],
      ["ZL", { level: "district", district: "岚山区" }],
      ["ZN", { level: "district", district: "兰山区" }],
    ]),
    schoolZones: new Map([["X1", "ZD"]]),
    people: new Map([person("M1", "manager", { officeCode: "RZ" }), person("M2", "manager", { officeCode: "DG" }), person("S1", "supervisor", { zoneCode: "ZD" })].map((p) => [p.code, p])),
  };
  const review = (kind: "zones" | "people" | "schools", text: string, officeCode: string) => {
    const parsed = parseRoster(kind, text, context, t);
    expect(parsed.errors).toEqual([]);
    return reviewScope(parsed, scopeOf(tree, officeCode), stored, stored).map(({ index, refusal }) => `${index}: ${scopeRefusalText(t, refusal)}`);
  };

  it("a city's admin moves nothing between its districts: that is the top office's", () => {
    expect(review("zones", "code,name,level,district\nZD,甲,district,岚山区\nZL,乙,district,岚山区\n", "RZ")).toEqual([
      "0: 责任区 ZD 将从〈DG督导室〉调到〈LS督导室〉：督导室之间的调动只能由〈SD督导室〉的系统管理员导入",
    ]);
    expect(review("people", "code,name,role,zone_code,office_code\nS1,甲,supervisor,ZL,\nM2,乙,manager,,RZ\n", "RZ")).toEqual([
      "0: 人员 S1 将从〈DG督导室〉调到〈LS督导室〉：督导室之间的调动只能由〈SD督导室〉的系统管理员导入",
      "1: 人员 M2 将从〈DG督导室〉调到〈RZ督导室〉：督导室之间的调动只能由〈SD督导室〉的系统管理员导入",
    ]);
    expect(review("zones", "code,name,level,district\nZD,甲,district,岚山区\nZN,乙,district,岚山区\n", "SD")).toEqual([]);
  });

  it("another office's code is refused as stored, whatever the row says now", () => {
    expect(review("zones", "code,name,level,district\nZN,甲,district,东港区\n", "DG")).toEqual(["0: 责任区 ZN 属于〈LN督导室〉，不能由〈DG督导室〉修改"]);
    expect(review("people", "code,name,role,zone_code,office_code\nM1,甲,manager,,DG\n", "DG")).toEqual(["0: 人员 M1 属于〈RZ督导室〉，不能由〈DG督导室〉修改"]);
    expect(review("schools", "code,name,zone_code,supervisor_code,stage,ownership\nX1,甲,ZL,S1,primary,public\n", "LS")).toEqual(["0: 学校 X1 属于〈DG督导室〉，不能由〈LS督导室〉修改"]);
    // a new row is judged as the file gives it
    expect(review("zones", "code,name,level,district\nZX,甲,district,岚山区\n", "DG")).toEqual(["0: ZX：不属于您所在督导室的管辖范围"]);
    expect(review("zones", "code,name,level,district\nZX,甲,district,东港区\nZD,乙,district,东港区\n", "DG")).toEqual([]);
  });
});
