import { describe, expect, it } from "vitest";
import { messages } from "../../src/i18n/index.ts";
import { parseRoster } from "../../src/roster/parse.ts";
import { escapeHtml, feedbackReference, nameplateToken, parseFeedback, REFERENCE_PATTERN, TOKEN_PATTERN, workingDaysAfter } from "../../src/domain/nameplate.ts";

describe("the public feedback form's rules", () => {
  const base = { kind: "suggestion", text: "建议" };

  it("takes a kind, a text of at most 500 characters, an optional name and telephone", () => {
    expect(parseFeedback({ ...base, name: "  ", phone: "" })).toEqual({ ok: true, value: { kind: "suggestion", text: "建议", name: null, phone: null } });
    expect(parseFeedback({ ...base, text: "字".repeat(500), phone: "0633-1234567" }).ok).toBe(true);
    expect(parseFeedback({ ...base, text: "字".repeat(501) })).toEqual({ ok: false, problem: "textTooLong" });
    expect(parseFeedback({ ...base, text: " \u0000\u0007 " })).toEqual({ ok: false, problem: "emptyText" });
    expect(parseFeedback({ ...base, kind: "complaint" })).toEqual({ ok: false, problem: "badKind" });
    expect(parseFeedback({ ...base, name: "名".repeat(21) })).toEqual({ ok: false, problem: "badName" });
    expect(parseFeedback({ ...base, phone: "<b>1</b>" })).toEqual({ ok: false, problem: "badPhone" });
  });

  it("makes references and tokens of the documented shapes", () => {
    const reference = feedbackReference("2026-12-05", new Uint8Array([0, 1, 2, 3, 30, 255]));
    expect(reference).toMatch(REFERENCE_PATTERN);
    expect(reference.startsWith("20261205-")).toBe(true);
    expect(nameplateToken(new Uint8Array(18).fill(251))).toMatch(TOKEN_PATTERN);
  });

  it("escapes HTML", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });
});

describe("working days for feedback reminders", () => {
  it("counts Monday to Friday after the day received, skipping holidays and counting make-up working days", () => {
    // 2026-12-04 is a Friday
    expect(workingDaysAfter("2026-12-04", "2026-12-06", [])).toBe(0);
    expect(workingDaysAfter("2026-12-04", "2026-12-08", [])).toBe(2);
    expect(workingDaysAfter("2026-12-04", "2026-12-11", [])).toBe(5);
    const periods = [
      { kind: "holiday", startDate: "2026-12-07", endDate: "2026-12-08" },
      { kind: "workday", startDate: "2026-12-06", endDate: "2026-12-06" },
    ];
    expect(workingDaysAfter("2026-12-04", "2026-12-08", periods)).toBe(1);
  });
});

describe("offices.csv's optional 监督电话 column", () => {
  const t = messages("zh");
  const context = { zoneCodes: new Set<string>(), supervisorCodes: new Set<string>(), openIds: new Map<string, string>() };

  it("is read under its Chinese header, may be empty, and refuses what is not a telephone number", () => {
    const ok = parseRoster("offices", "编号,名称,简称,上级编号,区县,监督电话\nRZ,日照市督导室,日照,,,0633-1234567\nDG,东港区督导室,东港,RZ,东港区,\n", context, t);
    expect(ok.errors).toEqual([]);
    expect(ok.rows).toMatchObject([{ code: "RZ", publicPhone: "0633-1234567" }, { code: "DG", publicPhone: null }]);
    const bad = parseRoster("offices", "编号,名称,简称,上级编号,区县,监督电话\nRZ,日照市督导室,日照,,,<script>\n", context, t);
    expect(bad.errors).toEqual([{ line: 2, reason: "监督电话「<script>」无效（只能含数字、空格、+、- 和括号）" }]);
  });
});
