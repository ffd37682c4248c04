/** The marks a weekly job leaves on its week's `plan_runs` row (written in the job's unit of work). */
import { eq } from "drizzle-orm";
import { openDb } from "./client.ts";
import { planRuns } from "./schema.ts";

/** The week's report reminders went out at `nowMs`. */
export function markRemindedStatement(d1: D1Database, week: string, nowMs: number) {
  return openDb(d1).update(planRuns).set({ remindedAt: nowMs }).where(eq(planRuns.week, week));
}

/** The week's still-planned visits were marked missed at `nowMs`. */
export function markMissesMarkedStatement(d1: D1Database, week: string, nowMs: number) {
  return openDb(d1).update(planRuns).set({ missesMarkedAt: nowMs }).where(eq(planRuns.week, week));
}

/** The week's plan cards went out at `nowMs`. */
export function markPlanSentStatement(d1: D1Database, week: string, nowMs: number) {
  return openDb(d1).update(planRuns).set({ sentAt: nowMs }).where(eq(planRuns.week, week));
}
