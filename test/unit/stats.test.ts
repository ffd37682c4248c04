import { describe, expect, it } from "vitest";
import { buildStats, parsePeriodArg, statsPeriod, type StatsData } from "../../src/domain/stats.ts";
import { statsCard } from "../../src/feishu/cards/stats-card.ts";
import { hiddenMarkdownText, longSubtitle } from "../../src/feishu/conformance.ts";
import { messages } from "../../src/i18n/index.ts";

const TZ = "Asia/Shanghai";
const at = (iso: string) => Date.parse(iso);
const TERMS = [
  { kind: "term" as const, name: "2026年春季学期", startDate: "2026-03-02", endDate: "2026-07-10" },
  { kind: "term" as const, name: "2026年秋季学期", startDate: "2026-09-01", endDate: "2027-01-22" },
];

describe("stats periods", () => {
  it("reads years, terms, months and ranges", () => {
    expect(parsePeriodArg("2026")).toEqual({ kind: "year", year: 2026 });
    expect(parsePeriodArg("2026秋")).toEqual({ kind: "term", year: 2026, season: "autumn" });
    expect(parsePeriodArg("2026-autumn")).toEqual({ kind: "term", year: 2026, season: "autumn" });
    expect(parsePeriodArg("2026春季")).toEqual({ kind: "term", year: 2026, season: "spring" });
    expect(parsePeriodArg("2026-11")).toEqual({ kind: "month", month: "2026-11" });
    expect(parsePeriodArg("2026年3月")).toEqual({ kind: "month", month: "2026-03" });
    expect(parsePeriodArg("2026-09-01~2026-12-31")).toEqual({ kind: "range", from: "2026-09-01", to: "2026-12-31" });
    expect(parsePeriodArg("2026-13")).toBeNull();
    expect(parsePeriodArg("Z01")).toBeNull();
  });

  it("counts the ISO weeks whose Thursday is in the period, up to the current week", () => {
    const november = statsPeriod({ kind: "month", month: "2026-11" }, TERMS, at("2026-12-03T02:00:00Z"), TZ);
    if ("error" in november) throw new Error(november.error);
    // 2026-11-05 is the first Thursday, 2026-11-26 the last: W45–W48, so the Monday after is 11-30
    expect(november.weeks).toEqual(["2026-W45", "2026-W46", "2026-W47", "2026-W48"]);
    expect(november.asOf).toBe("2026-11-30");
    expect(november.ongoing).toBe(false);
    expect(november.months.map((m) => m.month)).toEqual(["2026-11"]);

    const autumn = statsPeriod({ kind: "current_term" }, TERMS, at("2026-12-03T02:00:00Z"), TZ);
    if ("error" in autumn) throw new Error(autumn.error);
    expect(autumn.termName).toBe("2026年秋季学期");
    expect(autumn.weeks[0]).toBe("2026-W36");
    expect(autumn.weeks.at(-1)).toBe("2026-W49");
    expect(autumn.ongoing).toBe(true);
    expect(autumn.asOf).toBe("2026-12-03");
    expect(autumn.months.map((m) => m.month)).toEqual(["2026-09", "2026-10", "2026-11", "2026-12"]);
  });

  it("refuses what it cannot count", () => {
    const now = at("2026-12-03T02:00:00Z");
    expect(statsPeriod({ kind: "term", year: 2025, season: "autumn" }, TERMS, now, TZ)).toMatchObject({ error: "no_term" });
    expect(statsPeriod({ kind: "range", from: "2026-05-01", to: "2026-04-01" }, TERMS, now, TZ)).toEqual({ error: "reversed" });
    expect(statsPeriod({ kind: "range", from: "2024-01-01", to: "2026-01-01" }, TERMS, now, TZ)).toEqual({ error: "too_long" });
    expect(statsPeriod({ kind: "year", year: 2027 }, TERMS, now, TZ)).toEqual({ error: "not_started", from: "2027-01-01" });
  });
});

describe("stats card", () => {
  it("stays small for a province (1,264 zones, 5,584 supervisors): short lists, the workbook has the rest", () => {
    const period = statsPeriod({ kind: "year", year: 2026 }, TERMS, at("2026-12-03T02:00:00Z"), TZ);
    if ("error" in period) throw new Error(period.error);
    const zones = Array.from({ length: 1264 }, (_, i) => ({ code: `Z${i}`, name: `某某市某某区第${i}责任区`, level: i % 8 ? ("district" as const) : ("city" as const), leadCode: null, leadOpenId: null, leadLang: null }));
    const data: StatsData = {
      period,
      zones,
      visits: zones.map((z, i) => ({ zone: z.code, planned: 200, reported: 150 + (i % 50), missed: 50 - (i % 50), pending: 0, carried: 3, onTime: 140 })),
      reports: zones.map((z) => ({ zone: z.code, kind: "routine", n: 160, unplanned: 5 })),
      coverage: zones.map((z) => ({ zone: z.code, schools: 22, covered: 18 })),
      supervisors: Array.from({ length: 5584 }, (_, i) => ({ code: `S${i}`, name: `督学${i}`, zone: `Z${i % 1264}`, planned: 45, reported: 30 + (i % 15), missed: 15 - (i % 15), onTime: 28 })),
      problems: zones.flatMap((z) => ["safety", "hygiene", "workload"].map((item) => ({ zone: z.code, item, topic: null, severity: "general" as const, n: 3, fixedOnSpot: 1, rectified: 1, rectifiedOnTime: 1, open: 1, overdue: 0 }))),
      orders: zones.map((z) => ({ zone: z.code, kind: "order" as const, issued: 2, acknowledged: 2, closed: 1, closedOnTime: 1, extended: 0, open: 1, overdue: 1, escalated: 0 })),
    };
    const stats = buildStats(data, { kind: "all" });
    expect(stats.visits.planned).toBe(1264 * 200);
    expect(stats.supervisors).toHaveLength(5584);
    expect(stats.chartByLevel).toBe(true);
    const card = statsCard(messages("zh"), stats);
    // the header's subtitle fits one line of a phone; the weeks and "as of" open the body
    expect(longSubtitle(card)).toBeNull();
    expect(longSubtitle(statsCard(messages("en"), stats))).toBeNull();
    expect(hiddenMarkdownText(statsCard(messages("en"), stats))).toEqual([]);
    expect(JSON.stringify(card.body.elements[0])).toContain("按周报口径");
    const bytes = new TextEncoder().encode(JSON.stringify(card)).length;
    expect(bytes).toBeLessThan(12 * 1024);
    expect(card.body.elements.length).toBeLessThan(20);
    const text = JSON.stringify(card);
    expect(text).toContain("……另有 1254 个责任区");
    expect(text).toContain("……另有 5574 位督学");
  });

  it("a zone's figures are that zone's rows only", () => {
    const period = statsPeriod({ kind: "month", month: "2026-11" }, TERMS, at("2026-12-03T02:00:00Z"), TZ);
    if ("error" in period) throw new Error(period.error);
    const zone = (code: string) => ({ code, name: code, level: "city" as const, leadCode: null, leadOpenId: null, leadLang: null });
    const stats = buildStats(
      {
        period,
        zones: [zone("Z01"), zone("Z02")],
        visits: [{ zone: "Z01", planned: 4, reported: 3, missed: 1, pending: 0, carried: 0, onTime: 2 }, { zone: "Z02", planned: 9, reported: 9, missed: 0, pending: 0, carried: 1, onTime: 9 }],
        reports: [],
        coverage: [{ zone: "Z01", schools: 4, covered: 3 }, { zone: "Z02", schools: 5, covered: 5 }],
        supervisors: [],
        problems: [],
        orders: [{ zone: "Z02", kind: "notice", issued: 1, acknowledged: 0, closed: 0, closedOnTime: 0, extended: 0, open: 1, overdue: 0, escalated: 0 }],
      },
      { kind: "zones", codes: ["Z01"], label: "Z01" },
    );
    expect(stats.visits).toEqual({ planned: 4, reported: 3, missed: 1, pending: 0, carried: 0, onTime: 2 });
    expect({ schools: stats.schools, covered: stats.coveredSchools, rate: stats.coverageRate }).toEqual({ schools: 4, covered: 3, rate: 75 });
    expect(stats.documents.issued).toBe(0);
  });
});
