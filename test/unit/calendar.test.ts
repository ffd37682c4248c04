import { describe, expect, it } from "vitest";
import { checkPeriod, parseCalendarCsv, SchoolCalendar, type CalendarPeriod } from "../../src/domain/calendar.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const term = (startDate: string, endDate: string): CalendarPeriod => ({ kind: "term", name: "term", startDate, endDate });

describe("school calendar", () => {
  it("with no calendar at all, Monday to Friday are school days", () => {
    const calendar = new SchoolCalendar([]);
    expect(calendar.schoolDaysOfWeek("2026-W49")).toEqual(["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]);
  });

  it("with only a break configured, the break's weeks have no school days and other weeks do", () => {
    const calendar = new SchoolCalendar([{ kind: "break", name: "寒假", startDate: "2027-01-25", endDate: "2027-02-21" }]);
    expect(calendar.schoolDaysOfWeek("2027-W05")).toEqual([]);
    expect(calendar.schoolDaysOfWeek("2027-W08").length).toBe(5);
  });

  it("outside the terms there are no school days; holidays are off; make-up workdays count even on a weekend", () => {
    const calendar = new SchoolCalendar([
      term("2026-09-01", "2027-01-22"),
      { kind: "holiday", name: "国庆", startDate: "2026-10-01", endDate: "2026-10-07" },
      { kind: "workday", name: "调休", startDate: "2026-10-10", endDate: "2026-10-10" },
    ]);
    expect(calendar.schoolDaysOfWeek("2026-W35")).toEqual([]); // Aug 24–30, before the term
    expect(calendar.schoolDaysOfWeek("2026-W36")).toEqual(["2026-09-01", "2026-09-02", "2026-09-03", "2026-09-04"]);
    expect(calendar.schoolDaysOfWeek("2026-W40")).toEqual(["2026-09-28", "2026-09-29", "2026-09-30"]);
    expect(calendar.schoolDaysOfWeek("2026-W41")).toEqual(["2026-10-08", "2026-10-09", "2026-10-10"]);
  });

  it("a school day counts for its own month: a week across a month boundary serves both", () => {
    const calendar = new SchoolCalendar([]);
    expect(calendar.monthsOfWeek("2026-W49")).toEqual(["2026-11", "2026-12"]);
    expect(calendar.schoolWeeksOfMonth("2026-12")).toEqual(["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]);
    expect(calendar.schoolWeeksOfMonth("2027-02")).toEqual(["2027-W05", "2027-W06", "2027-W07", "2027-W08"]);
  });

  it("checks periods and parses calendar.csv, refusing a file with any bad line", () => {
    expect(checkPeriod("寒假", "2027-01-25", "2027-02-21", "寒假")).toEqual({
      period: { kind: "break", name: "寒假", startDate: "2027-01-25", endDate: "2027-02-21" },
    });
    expect(checkPeriod("term", "2027-02-21", "2027-01-25", "")).toEqual({ error: "reversed" });
    expect(checkPeriod("party", "2027-01-01", "2027-01-02", "")).toEqual({ error: "badKind" });
    const fixture = parseCalendarCsv(readFileSync(join(import.meta.dirname, "../fixtures/calendar.csv"), "utf8"));
    expect(fixture.errors).toEqual([]);
    expect(fixture.periods.length).toBeGreaterThan(3);
    const bad = parseCalendarCsv("kind,name,start_date,end_date\nterm,秋季学期,2026-09-01,2027-01-22\nbreak,寒假,2027-13-01,2027-02-21");
    expect(bad).toEqual({ periods: [], errors: [{ line: 3, error: "badDate" }] });
  });
});
