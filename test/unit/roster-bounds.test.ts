import { describe, expect, it } from "vitest";
import { messages } from "../../src/i18n/index.ts";
import { parseCalendarCsv } from "../../src/domain/calendar.ts";
import { isEmail, parseRoster, type RosterContext } from "../../src/roster/parse.ts";

const t = messages("en");
const context: RosterContext = { zoneCodes: new Set(["Z01"]), supervisorCodes: new Set(), openIds: new Map() };

describe("roster fields are checked in one linear pass", () => {
  it("accepts what the old pattern accepted and refuses the rest", () => {
    for (const good of ["emily@example.edu.cn", "a.b@c.d", "x+y@sub.example.com"]) expect(isEmail(good)).toBe(true);
    for (const bad of ["", "@a.b", "a@b", "a@.b", "a@b.", "a b@c.d", "a@b@c.d", "a@b.c\n"]) expect({ bad, ok: isEmail(bad) }).toEqual({ bad, ok: false });
  });

  it("a people.csv with a huge email cell (the shape that made the old pattern backtrack) is answered, naming the row", () => {
    // "a@" followed by dots and a trailing space: each dot was a split point to try, each try a scan to the end.
    const cell = `a@${".".repeat(200_000)} x`;
    const csv = `code,name,role,zone_code,email\nS001,王建国,supervisor,Z01,${cell}\n`;
    const parsed = parseRoster("people", csv, context, t);
    expect(parsed.errors.some((e) => e.line === 2)).toBe(true);
    // The answer quotes at most a short prefix of the cell, not 200 KB of it.
    expect(JSON.stringify(parsed.errors).length).toBeLessThan(2_000);
  });

  it("a calendar has a row limit", () => {
    const rows = Array.from({ length: 501 }, (_, i) => `holiday,h${i},2027-01-01,2027-01-02`);
    expect(parseCalendarCsv(["kind,name,start_date,end_date", ...rows].join("\n")).errors).toEqual([{ line: 502, error: "tooManyRows" }]);
    expect(parseCalendarCsv(["kind,name,start_date,end_date", ...rows.slice(0, 500)].join("\n")).errors).toEqual([]);
  });
});
