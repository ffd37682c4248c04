import { describe, expect, it } from "vitest";
import { SchoolCalendar, type CalendarPeriod } from "../../src/domain/calendar.ts";
import { planWeek, type OpenOrder, type PlannerInput, type PlanSchool, type StoredAssignment } from "../../src/domain/planner.ts";
import { addWeeks } from "../../src/domain/time.ts";

const schoolsOf = (supervisor: string, count: number, zone = "Z01", vpm = 1, prefix = supervisor): PlanSchool[] =>
  Array.from({ length: count }, (_, i) => ({ code: `${prefix}-${String(i + 1).padStart(2, "0")}`, zoneCode: zone, supervisorCode: supervisor, visitsPerMonth: vpm }));

function base(overrides: Partial<PlannerInput> = {}): PlannerInput {
  return {
    week: "2027-W05",
    schools: schoolsOf("S1", 5),
    supervisors: [{ code: "S1", zoneCode: "Z01" }],
    calendar: [],
    assignments: [],
    leaves: [],
    orders: [],
    specialTopics: {},
    maxVisitsPerWeek: 2,
    ...overrides,
  };
}

/** Plans `weeks` consecutive weeks, storing each week's rows like the job does. */
function simulate(input: PlannerInput, from: string, weeks: number) {
  const stored: StoredAssignment[] = [...input.assignments];
  const byWeek = new Map<string, ReturnType<typeof planWeek>>();
  let week = from;
  for (let i = 0; i < weeks; i++) {
    const result = planWeek({ ...input, week, assignments: stored });
    byWeek.set(week, result);
    stored.push(...result.assignments, ...result.carriedOver);
    week = addWeeks(week, 1);
  }
  return { stored, byWeek, counting: stored.filter((a) => a.status === "planned") };
}

const perWeek = (rows: StoredAssignment[], supervisor: string) => {
  const map = new Map<string, number>();
  for (const row of rows) if (row.supervisorCode === supervisor && row.status === "planned") map.set(row.week, (map.get(row.week) ?? 0) + 1);
  return map;
};

/** The planner's attribution rule, restated: each row counts for the earliest of its week's months where the school is short. */
function monthlyCounts(rows: StoredAssignment[], calendar: SchoolCalendar, vpm: (school: string) => number) {
  const counts = new Map<string, number>();
  for (const row of [...rows].filter((r) => r.status === "planned").sort((a, b) => (a.week < b.week ? -1 : 1))) {
    const months = calendar.monthsOfWeek(row.week);
    const month = months.find((m) => (counts.get(`${row.schoolCode}|${m}`) ?? 0) < vpm(row.schoolCode)) ?? months[months.length - 1]!;
    counts.set(`${row.schoolCode}|${month}`, (counts.get(`${row.schoolCode}|${month}`) ?? 0) + 1);
  }
  return counts;
}

describe("planner: spreading a month's visits", () => {
  it("5 schools over a 4-week month: 2, 1, 1, 1 — every school once, never 5 in the last week", () => {
    const { counting } = simulate(base(), "2027-W05", 4);
    expect([...perWeek(counting, "S1").values()]).toEqual([2, 1, 1, 1]);
    expect(new Set(counting.map((a) => a.schoolCode)).size).toBe(5);
    expect(counting.every((a) => a.reason === "routine")).toBe(true);
  });

  it("a 5-week month (December 2026, its first week shared with November): one visit per school in each month, one a week", () => {
    const input = base({ schools: schoolsOf("S1", 5) });
    const { counting } = simulate(input, "2026-W45", 9); // 2026-11-02 … 2026-12-31
    const calendar = new SchoolCalendar([]);
    const counts = monthlyCounts(counting, calendar, () => 1);
    for (const school of input.schools) {
      expect(counts.get(`${school.code}|2026-11`)).toBe(1);
      expect(counts.get(`${school.code}|2026-12`)).toBe(1);
    }
    const weeks = perWeek(counting, "S1");
    expect(Math.max(...weeks.values())).toBeLessThanOrEqual(2);
    // December's five school weeks carry December's five visits without piling them up at the end
    expect(["2026-W50", "2026-W51", "2026-W52", "2026-W53"].every((w) => (weeks.get(w) ?? 0) >= 1)).toBe(true);
  });

  it("month boundaries: a week across two months serves the ending month first, then the new one", () => {
    // Supervisor with 2 schools; November visits already done except SCH-02's
    const schools = schoolsOf("S1", 2);
    const assignments: StoredAssignment[] = [{ week: "2026-W46", supervisorCode: "S1", schoolCode: "S1-01", reason: "routine", status: "reported" }];
    const result = planWeek(base({ week: "2026-W49", schools, assignments }));
    // W49 is November's last school week (Nov 30) and December's first: S1-02 must be visited for November
    expect(result.assignments.map((a) => a.schoolCode)).toContain("S1-02");
  });

  it("a supervisor with 12 schools never exceeds 2 a week; what cannot fit by the month's end is carried over, flagged", () => {
    const input = base({ schools: schoolsOf("S1", 12) });
    const { counting, byWeek, stored } = simulate(input, "2027-W05", 5);
    const weeks = perWeek(counting, "S1");
    expect(Math.max(...weeks.values())).toBe(2);
    const carried = byWeek.get("2027-W08")!.carriedOver;
    expect(carried.length).toBe(4);
    expect(carried.every((c) => c.status === "moved" && c.note === "carried_over" && c.movedToWeek === "2027-W09")).toBe(true);
    // next week takes the carried-over visits first, still within capacity
    const next = byWeek.get("2027-W09")!;
    expect(next.assignments.length).toBe(2);
    expect(next.assignments.every((a) => a.reason === "carried_over")).toBe(true);
    expect(stored.filter((a) => a.week === "2027-W09").length).toBeGreaterThanOrEqual(2);
  });

  it("a school with 2 visits a month gets them in two different weeks", () => {
    const schools = [...schoolsOf("S1", 3), { code: "BIG", zoneCode: "Z01", supervisorCode: "S1", visitsPerMonth: 2 }];
    const { counting } = simulate(base({ schools }), "2027-W05", 4);
    const big = counting.filter((a) => a.schoolCode === "BIG");
    expect(big.length).toBe(2);
    expect(new Set(big.map((a) => a.week)).size).toBe(2);
    expect(counting.length).toBe(5);
  });

  it("a break in mid-month: nothing in the break week, all schools still visited in the month's other weeks", () => {
    const calendar: CalendarPeriod[] = [{ kind: "break", name: "春节", startDate: "2027-02-08", endDate: "2027-02-14" }];
    const { counting, byWeek } = simulate(base({ calendar }), "2027-W05", 4);
    expect(byWeek.get("2027-W06")!.assignments).toEqual([]);
    expect(byWeek.get("2027-W06")!.schoolDays).toEqual([]);
    expect(new Set(counting.map((a) => a.schoolCode)).size).toBe(5);
    expect(Math.max(...perWeek(counting, "S1").values())).toBeLessThanOrEqual(2);
  });
});

describe("planner: leave", () => {
  it("leave registered ahead over the month's last school week: the visits are done before it", () => {
    const leaves = [{ personCode: "S1", fromDate: "2027-02-22", toDate: "2027-02-26" }];
    const { counting } = simulate(base({ schools: schoolsOf("S1", 4), leaves }), "2027-W05", 4);
    expect(counting.filter((a) => a.week === "2027-W08")).toEqual([]);
    expect(new Set(counting.map((a) => a.schoolCode)).size).toBe(4);
  });

  it("leave found only in the month's last week: due schools go to a same-zone colleague with spare capacity", () => {
    const schools = [...schoolsOf("S1", 4), ...schoolsOf("S2", 1)];
    const supervisors = [
      { code: "S1", zoneCode: "Z01" },
      { code: "S2", zoneCode: "Z01" },
      { code: "S3", zoneCode: "Z02" },
    ];
    const first = simulate(base({ schools, supervisors }), "2027-W05", 3);
    const leaves = [{ personCode: "S1", fromDate: "2027-02-22", toDate: "2027-02-26" }];
    const last = planWeek(base({ week: "2027-W08", schools, supervisors, leaves, assignments: first.stored }));
    expect(last.assignments.filter((a) => a.supervisorCode === "S1")).toEqual([]);
    const substitutes = last.assignments.filter((a) => a.note === "substitute_for:S1");
    expect(substitutes.length).toBeGreaterThan(0);
    expect(substitutes.every((a) => a.supervisorCode === "S2")).toBe(true);
    expect(last.assignments.filter((a) => a.supervisorCode === "S2").length).toBeLessThanOrEqual(2);
  });

  it("with nobody in the zone to take them, the due schools are carried over to the next school week", () => {
    const schools = schoolsOf("S1", 4);
    const first = simulate(base({ schools }), "2027-W05", 3);
    const due = 4 - first.counting.length;
    const leaves = [{ personCode: "S1", fromDate: "2027-02-22", toDate: "2027-02-26" }];
    const last = planWeek(base({ week: "2027-W08", schools, leaves, assignments: first.stored }));
    expect(last.assignments).toEqual([]);
    expect(last.carriedOver.length).toBe(due);
    expect(last.carriedOver.every((c) => c.movedToWeek === "2027-W09" && c.note === "carried_over")).toBe(true);
  });
});

describe("planner: follow-ups, topics, determinism", () => {
  const overdue: OpenOrder = { orderId: 7, schoolCode: "S1-05", dueDate: "2027-01-29", status: "issued", lastFollowUpVisit: null, followUpPlanned: false };

  it("an overdue order gets a follow-up visit first, which may exceed the weekly maximum by one", () => {
    const result = planWeek(base({ schools: schoolsOf("S1", 9), orders: [overdue] }));
    expect(result.assignments[0]).toMatchObject({ schoolCode: "S1-05", reason: "follow_up", orderId: 7, topic: null });
    expect(result.assignments.length).toBe(3);
    expect(result.assignments.filter((a) => a.reason === "routine").length).toBe(2);
  });

  it("no follow-up when the order is not yet overdue, closed, already verified after the deadline, or already planned", () => {
    for (const order of [
      { ...overdue, dueDate: "2027-02-01" },
      { ...overdue, status: "closed" },
      { ...overdue, lastFollowUpVisit: "2027-01-30" },
      { ...overdue, followUpPlanned: true },
    ]) {
      const result = planWeek(base({ orders: [order] }));
      expect(result.assignments.some((a) => a.reason === "follow_up")).toBe(false);
    }
  });

  it("attaches the month's special topics to routine visits", () => {
    const result = planWeek(base({ specialTopics: { "2027-02": ["校园安全", "五项管理"] } }));
    expect(result.assignments.every((a) => a.topic === "校园安全、五项管理")).toBe(true);
  });

  it("is deterministic, and planning a week again after storing it adds nothing", () => {
    const input = base({ schools: [...schoolsOf("S1", 7), ...schoolsOf("S2", 6)], supervisors: [{ code: "S2", zoneCode: "Z01" }, { code: "S1", zoneCode: "Z01" }] });
    const a = planWeek(input);
    const b = planWeek({ ...input, schools: [...input.schools].reverse() });
    expect(b).toEqual(a);
    const again = planWeek({ ...input, assignments: a.assignments });
    expect(again.assignments).toEqual([]);
    expect(again.existing.length).toBe(a.assignments.length);
  });

  it("a week with no school days gets nothing, not even follow-ups", () => {
    const calendar: CalendarPeriod[] = [{ kind: "break", name: "寒假", startDate: "2027-01-23", endDate: "2027-02-21" }];
    const result = planWeek(base({ calendar, orders: [overdue] }));
    expect(result).toMatchObject({ schoolDays: [], assignments: [], carriedOver: [] });
  });
});
