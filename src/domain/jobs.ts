/**
 * Which weekly jobs are due (pure: "now" and what the job_runs records say are arguments).
 *
 * Each weekly job has a moment in the week (the office's time zone) and works on one ISO week: the current
 * one (plan, reminders) or the one before (misses, digest). From its moment until the end of that Sunday it
 * is due unless a run for its week is recorded `done`; the 5-minute cron then runs it (catch-up), from a
 * quarter of an hour after the moment (its own cron's turn). A job
 * with no record at all in this deployment is left to its own cron: a fresh install does not send a plan
 * or a digest on its first tick.
 */
import { addDays, addWeeks, currentWeek, localMidnightMs, weekStart, type IsoWeek } from "./time.ts";

export const WEEKLY_JOBS = ["mark_missed", "weekly_plan", "weekly_digest", "report_reminders"] as const;
export type WeeklyJobName = (typeof WEEKLY_JOBS)[number];

interface Schedule {
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  /** the local hour its own cron fires */
  hour: number;
  /** the week it works on, relative to the week it runs in */
  weekOffset: 0 | -1;
}

/** The crons of wrangler.toml in local time (Asia/Shanghai): Monday 08:00, Monday 09:00, Thursday 16:00. */
export const SCHEDULES: Record<WeeklyJobName, Schedule> = {
  mark_missed: { weekday: 1, hour: 8, weekOffset: -1 },
  weekly_plan: { weekday: 1, hour: 8, weekOffset: 0 },
  weekly_digest: { weekday: 1, hour: 9, weekOffset: -1 },
  report_reminders: { weekday: 4, hour: 16, weekOffset: 0 },
};

/**
 * The catch-up leaves a job alone this long after its moment: the 5-minute cron fires at the same minute as the
 * job's own cron (separate invocations), which must not both run it.
 */
export const CATCH_UP_GRACE_MS = 15 * 60_000;

export interface JobRunRecord {
  job: string;
  period: string;
  state: "done" | "failed";
}

export interface DueJob {
  job: WeeklyJobName;
  week: IsoWeek;
}

/** The week a job run at `nowMs` works on. */
export function targetWeek(job: WeeklyJobName, nowMs: number, timeZone: string): IsoWeek {
  return addWeeks(currentWeek(nowMs, timeZone), SCHEDULES[job].weekOffset);
}

/** When the job's own cron fires in the week `week` (epoch ms). */
export function scheduledAt(job: WeeklyJobName, week: IsoWeek, timeZone: string): number {
  const { weekday, hour } = SCHEDULES[job];
  return localMidnightMs(addDays(weekStart(week), weekday - 1), timeZone) + hour * 3_600_000;
}

/** The oldest week a due decision at `nowMs` looks at (records of older weeks do not matter). */
export function oldestRelevantWeek(nowMs: number, timeZone: string): IsoWeek {
  return addWeeks(currentWeek(nowMs, timeZone), -1);
}

/**
 * The weekly jobs to run at `nowMs`, in order (misses before the digest that counts them): those whose moment
 * this week passed more than CATCH_UP_GRACE_MS ago, whose week has no `done` run, and that have run (or failed)
 * in this deployment before.
 */
export function dueJobs(nowMs: number, timeZone: string, records: readonly JobRunRecord[], known: ReadonlySet<string>): DueJob[] {
  const thisWeek = currentWeek(nowMs, timeZone);
  const done = new Set(records.filter((r) => r.state === "done").map((r) => `${r.job}|${r.period}`));
  const due: DueJob[] = [];
  for (const job of WEEKLY_JOBS) {
    if (!known.has(job)) continue;
    if (nowMs < scheduledAt(job, thisWeek, timeZone) + CATCH_UP_GRACE_MS) continue;
    const week = addWeeks(thisWeek, SCHEDULES[job].weekOffset);
    if (!done.has(`${job}|${week}`)) due.push({ job, week });
  }
  return due;
}
