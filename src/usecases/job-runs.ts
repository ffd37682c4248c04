/**
 * The weekly jobs' record (`job_runs`): a run marked done in the job's own unit of work, a failure written on its
 * own (the job's unit did not commit), and what ran since a week, for the catch-up (domain/jobs.ts).
 */
import { jobDoneStatement, jobFailedStatement, jobRunsSince } from "../db/job-runs.ts";
import type { IsoWeek } from "../domain/time.ts";
import type { Services } from "./services.ts";

export function markJobDone(services: Pick<Services, "d1" | "uow">, job: string, week: IsoWeek, outcome: string, scheduledTime: number): void {
  services.uow.write(jobDoneStatement(services.d1, job, week, outcome, scheduledTime));
}

export async function recordJobFailure(d1: D1Database, job: string, week: IsoWeek, error: string, scheduledTime: number): Promise<void> {
  await jobFailedStatement(d1, job, week, error, scheduledTime).run();
}

export const jobRecordsSince = (d1: D1Database, week: IsoWeek) => jobRunsSince(d1, week);
