/**
 * The `scheduled` entry's work: the cron's own jobs, then (on the 5-minute cron) the weekly jobs due and not
 * done this week (domain/jobs.ts), each in its own unit of work. A weekly job's run is recorded by week in
 * `job_runs`: `done` in its own commit, `failed` with the error. Every job runs even when one before it
 * failed; then the invocation throws, naming the jobs that failed, so Cloudflare shows the cron as failed.
 */
import { dueJobs, oldestRelevantWeek } from "../domain/jobs.ts";
import type { IsoWeek } from "../domain/time.ts";
import { loadConfig, type Bindings } from "../env.ts";
import { logger, newRequestId } from "../log.ts";
import { buildServices } from "../services.ts";
import { jobRecordsSince, markJobDone, recordJobFailure } from "../usecases/job-runs.ts";
import { CATCH_UP_CRON, jobsByCron, weeklyJobs } from "./index.ts";
import { isWeekly, type Job } from "./types.ts";

const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export class JobsFailedError extends AggregateError {
  constructor(errors: { job: string; error: unknown }[]) {
    super(
      errors.map((e) => e.error),
      `jobs failed: ${errors.map((e) => `${e.job} (${errorText(e.error)})`).join("; ")}`,
    );
    this.name = "JobsFailedError";
  }
}

async function runJob(env: Bindings, cron: string, scheduledTime: number, job: Job, week: IsoWeek | null, catchUp: boolean): Promise<unknown | null> {
  const ref = newRequestId();
  const started = Date.now();
  const services = buildServices(env, scheduledTime, ref);
  const fields = { ref, route: `job:${job.name}`, cron, scheduled: scheduledTime, ...(week ? { week } : {}), ...(catchUp ? { catch_up: true } : {}) };
  try {
    const outcome = week && isWeekly(job) ? await job.runFor(services, week) : await job.run(services);
    if (week) markJobDone(services, job.name, week, outcome, scheduledTime);
    await services.uow.commit();
    logger.info({ ...fields, outcome, ms: Date.now() - started });
    return null;
  } catch (error) {
    logger.error({ ...fields, outcome: "error", ms: Date.now() - started }, error);
    if (week) {
      await recordJobFailure(env.DB, job.name, week, errorText(error), scheduledTime).catch((failure: unknown) => logger.error({ ...fields, outcome: "record_failed" }, failure));
    }
    return error;
  }
}

export async function runScheduled(env: Bindings, cron: string, scheduledTime: number): Promise<void> {
  const failures: { job: string; error: unknown }[] = [];
  const timeZone = loadConfig(env).TIMEZONE;
  for (const job of jobsByCron[cron] ?? []) {
    // A weekly job on its own cron: recorded by the week it worked on (the digest on another day than Monday: nothing to record).
    const week = isWeekly(job) ? job.period(scheduledTime, timeZone) : null;
    const error = await runJob(env, cron, scheduledTime, job, week, false);
    if (error) failures.push({ job: job.name, error });
  }
  if (cron === CATCH_UP_CRON) {
    try {
      const { records, known } = await jobRecordsSince(env.DB, oldestRelevantWeek(scheduledTime, timeZone));
      for (const due of dueJobs(scheduledTime, timeZone, records, known)) {
        const error = await runJob(env, cron, scheduledTime, weeklyJobs[due.job], due.week, true);
        if (error) failures.push({ job: due.job, error });
      }
    } catch (error) {
      logger.error({ route: "job:catch_up", cron, scheduled: scheduledTime, outcome: "error" }, error);
      failures.push({ job: "catch_up", error });
    }
  }
  if (failures.length) throw new JobsFailedError(failures);
}
