import { countPlannedUpTo, markMissedStatement } from "../db/reports.ts";
import { targetWeek } from "../domain/jobs.ts";
import type { WeeklyJob } from "./types.ts";

/**
 * Monday 08:00 Asia/Shanghai ("0 0 * * 1"), before the new week is planned and
 * the digest is built: every visit of last week (or earlier) still `planned`
 * becomes `missed`, so the digest counts it. One statement; re-running finds nothing left.
 * A missed visit can still be reported (it turns `reported`) until that week's office digest is sent.
 */
export const markMissed: WeeklyJob = {
  name: "mark_missed",
  period: (nowMs, timeZone) => targetWeek("mark_missed", nowMs, timeZone),
  run(services) {
    return markMissed.runFor(services, targetWeek("mark_missed", services.nowMs, services.config.TIMEZONE));
  },
  async runFor(services, lastWeek) {
    const count = await countPlannedUpTo(services.d1, lastWeek);
    services.uow.write(markMissedStatement(services.d1, lastWeek, services.nowMs));
    services.uow.write(services.d1.prepare("UPDATE plan_runs SET misses_marked_at = ?2 WHERE week = ?1").bind(lastWeek, services.nowMs));
    return `week=${lastWeek} missed=${count}`;
  },
};
