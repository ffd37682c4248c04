import { describe, expect, it } from "vitest";
import { CATCH_UP_GRACE_MS, dueJobs, scheduledAt, targetWeek } from "../../src/domain/jobs.ts";

const TZ = "Asia/Shanghai";
const at = (iso: string) => Date.parse(iso);
const ALL = new Set(["mark_missed", "weekly_plan", "weekly_digest", "report_reminders"]);

describe("weekly jobs: what is due", () => {
  it("each job's moment is its cron's local time in the week", () => {
    expect(scheduledAt("weekly_plan", "2026-W11", TZ)).toBe(at("2026-03-09T00:00:00Z"));
    expect(scheduledAt("weekly_digest", "2026-W11", TZ)).toBe(at("2026-03-09T01:00:00Z"));
    expect(scheduledAt("report_reminders", "2026-W11", TZ)).toBe(at("2026-03-12T08:00:00Z"));
    expect(targetWeek("weekly_digest", at("2026-03-10T02:00:00Z"), TZ)).toBe("2026-W10");
    expect(targetWeek("weekly_plan", at("2026-03-10T02:00:00Z"), TZ)).toBe("2026-W11");
  });

  it("a job is due from its moment plus the grace until the week ends, unless done", () => {
    const tuesday = at("2026-03-10T02:00:00Z");
    expect(dueJobs(tuesday, TZ, [], ALL)).toEqual([
      { job: "mark_missed", week: "2026-W10" },
      { job: "weekly_plan", week: "2026-W11" },
      { job: "weekly_digest", week: "2026-W10" },
    ]);
    const done = [
      { job: "mark_missed", period: "2026-W10", state: "done" as const },
      { job: "weekly_plan", period: "2026-W11", state: "done" as const },
      { job: "weekly_digest", period: "2026-W10", state: "failed" as const },
    ];
    expect(dueJobs(tuesday, TZ, done, ALL)).toEqual([{ job: "weekly_digest", week: "2026-W10" }]);
    // within the grace after Monday 08:00 its own cron has the turn
    expect(dueJobs(at("2026-03-09T00:00:00Z") + CATCH_UP_GRACE_MS - 1, TZ, [], ALL)).toEqual([]);
    // Sunday 23:59 local: still this week; Monday 00:00 local: a new week whose moments have not come
    expect(dueJobs(at("2026-03-15T15:59:00Z"), TZ, done, ALL).map((d) => d.job)).toEqual(["weekly_digest", "report_reminders"]);
    expect(dueJobs(at("2026-03-15T16:00:00Z"), TZ, done, ALL)).toEqual([]);
  });

  it("a job never run in this deployment is left to its own cron", () => {
    expect(dueJobs(at("2026-03-13T02:00:00Z"), TZ, [], new Set(["report_reminders"]))).toEqual([{ job: "report_reminders", week: "2026-W11" }]);
    expect(dueJobs(at("2026-03-13T02:00:00Z"), TZ, [], new Set())).toEqual([]);
  });
});
