/** The weekly jobs' run records (`job_runs`): what the catch-up reads, and the done / failed marks. */
import type { JobRunRecord } from "../domain/jobs.ts";

/** Runs of weeks from `sincePeriod` on, and every job with any record (one batch of two reads). */
export async function jobRunsSince(d1: D1Database, sincePeriod: string): Promise<{ records: JobRunRecord[]; known: Set<string> }> {
  const [records, known] = await d1.batch([
    d1.prepare("SELECT job, period, state FROM job_runs WHERE period >= ?1").bind(sincePeriod),
    d1.prepare("SELECT DISTINCT job FROM job_runs"),
  ]);
  return {
    records: (records?.results ?? []) as JobRunRecord[],
    known: new Set(((known?.results ?? []) as { job: string }[]).map((row) => row.job)),
  };
}

/** `done` for the job's week; written in the run's own commit, so a run that did not commit is not done. */
export function jobDoneStatement(d1: D1Database, job: string, period: string, outcome: string, nowMs: number): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO job_runs (job, period, state, attempts, outcome, last_error, updated_at) VALUES (?1, ?2, 'done', 1, ?3, NULL, ?4)
       ON CONFLICT(job, period) DO UPDATE SET state = 'done', attempts = job_runs.attempts + 1, outcome = excluded.outcome, updated_at = excluded.updated_at`,
    )
    .bind(job, period, outcome.slice(0, 500), nowMs);
}

/** `failed` with the error (never turns a `done` week back). */
export function jobFailedStatement(d1: D1Database, job: string, period: string, error: string, nowMs: number): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO job_runs (job, period, state, attempts, outcome, last_error, updated_at) VALUES (?1, ?2, 'failed', 1, NULL, ?3, ?4)
       ON CONFLICT(job, period) DO UPDATE SET attempts = job_runs.attempts + 1, last_error = excluded.last_error, updated_at = excluded.updated_at,
         state = CASE job_runs.state WHEN 'done' THEN 'done' ELSE 'failed' END`,
    )
    .bind(job, period, error.slice(0, 500), nowMs);
}
