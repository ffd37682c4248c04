import { targetWeek } from "../domain/jobs.ts";
import { markMissedVisits } from "../usecases/missed-visits.ts";
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
    const { missed } = await markMissedVisits(services, lastWeek);
    return `week=${lastWeek} missed=${missed}`;
  },
};
