import { describe, expect, it } from "vitest";
import { addWeeks, isoWeekOf, localDate, parseDate, parseWeek, utcOffsetMinutes, weekDates, weekStart } from "../../src/domain/time.ts";

const TZ = "Asia/Shanghai";
// 2026-11-27 (a Friday) 10:00 in Shanghai
const NOW = Date.parse("2026-11-27T02:00:00Z");

describe("time", () => {
  it("takes the office's local date, not UTC's", () => {
    expect(localDate(Date.parse("2026-11-29T16:30:00Z"), TZ)).toBe("2026-11-30");
    expect(localDate(Date.parse("2026-11-29T15:30:00Z"), TZ)).toBe("2026-11-29");
  });

  it("knows the office's offset from UTC", () => {
    expect(utcOffsetMinutes(NOW, TZ)).toBe(480);
    expect(utcOffsetMinutes(NOW, "UTC")).toBe(0);
    expect(utcOffsetMinutes(Date.parse("2026-07-01T12:00:00Z"), "Europe/Berlin")).toBe(120);
  });

  it("computes ISO weeks across year ends", () => {
    expect(isoWeekOf("2026-11-27")).toBe("2026-W48");
    expect(isoWeekOf("2026-12-31")).toBe("2026-W53");
    expect(isoWeekOf("2027-01-03")).toBe("2026-W53");
    expect(isoWeekOf("2027-01-04")).toBe("2027-W01");
    expect(weekStart("2027-W01")).toBe("2027-01-04");
    expect(weekDates("2026-W48")[0]).toBe("2026-11-23");
    expect(addWeeks("2026-W53", 1)).toBe("2027-W01");
  });

  it("parses weeks the way people type them", () => {
    expect(parseWeek("", NOW, TZ)).toBe("2026-W48");
    expect(parseWeek("下周", NOW, TZ)).toBe("2026-W49");
    expect(parseWeek("2026-W50", NOW, TZ)).toBe("2026-W50");
    expect(parseWeek("w50", NOW, TZ)).toBe("2026-W50");
    expect(parseWeek("12月8日", NOW, TZ)).toBe("2026-W50");
    expect(parseWeek("2026-W54", NOW, TZ)).toBeNull();
    expect(parseWeek("soon", NOW, TZ)).toBeNull();
  });

  it("parses due dates in every documented form", () => {
    expect(parseDate("2026-12-01", NOW, TZ)).toBe("2026-12-01");
    expect(parseDate("７天", NOW, TZ)).toBe("2026-12-04");
    expect(parseDate("7d", NOW, TZ)).toBe("2026-12-04");
    expect(parseDate("12月5日", NOW, TZ)).toBe("2026-12-05");
    expect(parseDate("1月5日", NOW, TZ)).toBe("2027-01-05");
    expect(parseDate("2026-02-30", NOW, TZ)).toBeNull();
    expect(parseDate("tomorrowish", NOW, TZ)).toBeNull();
  });
});
