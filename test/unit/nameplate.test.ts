import { describe, expect, it } from "vitest";
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
