/** The weekly jobs' run records (`job_runs`): what the catch-up reads, and the done / failed marks. */
import { gte, sql } from "drizzle-orm";
import type { JobRunRecord } from "../domain/jobs.ts";
import { openDb } from "./client.ts";
import { jobRuns } from "./schema.ts";

/** Runs of weeks from `sincePeriod` on, and every job with any record (one batch of two reads). */
export async function jobRunsSince(d1: D1Database, sincePeriod: string): Promise<{ records: JobRunRecord[]; known: Set<string> }> {
  const db = openDb(d1);
  const [records, known] = await db.batch([
    db.select({ job: jobRuns.job, period: jobRuns.period, state: jobRuns.state }).from(jobRuns).where(gte(jobRuns.period, sincePeriod)),
    db.selectDistinct({ job: jobRuns.job }).from(jobRuns),
  ]);
  return { records, known: new Set(known.map((row) => row.job)) };
}

/** `done` for the job's week; written in the run's own commit, so a run that did not commit is not done. */
export function jobDoneStatement(d1: D1Database, job: string, period: string, outcome: string, nowMs: number) {
  return openDb(d1)
    .insert(jobRuns)
    .values({ job, period, state: "done", attempts: 1, outcome: outcome.slice(0, 500), lastError: null, updatedAt: nowMs })
    .onConflictDoUpdate({
      target: [jobRuns.job, jobRuns.period],
      set: { state: "done", attempts: sql`${jobRuns.attempts} + 1`, outcome: sql`excluded.outcome`, updatedAt: sql`excluded.updated_at` },
    });
}

/** `failed` with the error (never turns a `done` week back). */
export function jobFailedStatement(d1: D1Database, job: string, period: string, error: string, nowMs: number) {
  return openDb(d1)
    .insert(jobRuns)
    .values({ job, period, state: "failed", attempts: 1, outcome: null, lastError: error.slice(0, 500), updatedAt: nowMs })
    .onConflictDoUpdate({
      target: [jobRuns.job, jobRuns.period],
      set: {
        attempts: sql`${jobRuns.attempts} + 1`,
        lastError: sql`excluded.last_error`,
        updatedAt: sql`excluded.updated_at`,
        state: sql`CASE ${jobRuns.state} WHEN 'done' THEN 'done' ELSE 'failed' END`,
      },
    });
}
