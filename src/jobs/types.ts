import type { Services } from "../commands/types.ts";
import type { WeeklyJobName } from "../domain/jobs.ts";
import type { IsoWeek } from "../domain/time.ts";

/** A cron job: `services.nowMs` is the scheduled event's time, so a test can run any week. */
export interface Job {
  name: string;
  run(services: Services): Promise<string>;
}

/** A weekly job: its runs are recorded by week (job_runs), and one due but not done is caught up (jobs/runner.ts). */
export interface WeeklyJob extends Job {
  name: WeeklyJobName;
  /** the week its own cron's run at `nowMs` works on; null when that run does nothing (the digest on a day other than Monday) */
  period(nowMs: number, timeZone: string): IsoWeek | null;
  /** the job's work for `week` (re-running a week sends nothing twice) */
  runFor(services: Services, week: IsoWeek): Promise<string>;
}

export function isWeekly(job: Job): job is WeeklyJob {
  return "runFor" in job;
}
