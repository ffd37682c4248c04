import { describe, expect, it } from "vitest";
import { formErrorText, refusalText } from "../../src/actions/report-common.ts";
import type { Actor } from "../../src/db/people.ts";
import { messages } from "../../src/i18n/index.ts";

const actor = (role: Actor["role"]): Actor =>
  ({ code: "P1", name: "甲", role, openId: "ou_1", lang: "zh", zoneCode: null, schoolCode: null, bootstrap: false, officeCode: null, officeValid: true }) as Actor;

describe("the toasts of a refused report action (actions/report-common.ts)", () => {
  const zh = messages("zh");
  const en = messages("en");

  it("tells a manager which school is outside their office, and a supervisor that the visit is not theirs", () => {
    expect(refusalText(zh, actor("manager"), { reason: "not-yours", schoolName: "第一中学" })).toBe(zh.offices.reportOutOfScope("第一中学"));
    expect(refusalText(zh, actor("supervisor"), { reason: "not-yours", schoolName: "第一中学" })).toBe(zh.reports.notYours);
    expect(refusalText(en, actor("supervisor"), { reason: "not-your-report", schoolName: "No. 1" })).toBe(en.reports.notYourReport);
  });

  it("says where a moved visit went and names the unknown school", () => {
    expect(refusalText(zh, actor("supervisor"), { reason: "assignment-moved", movedToWeek: "2026-W50" })).toContain("2026-W50");
    expect(refusalText(zh, actor("manager"), { reason: "unknown-school", schoolCode: "SCH404" })).toContain("SCH404");
  });

  it("names a problem slot's field in the reader's language", () => {
    const text = formErrorText(zh, { code: "missing", field: "p2_desc" });
    expect(text).toBe(zh.reports.errorMissing(`${zh.reports.problemSlot(2)} · ${zh.reports.problemDesc}`));
    expect(refusalText(en, actor("supervisor"), { reason: "form", error: { code: "no_method" } })).toBe(en.reports.errorNoMethod);
  });
});
