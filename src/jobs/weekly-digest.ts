import { targetWeek } from "../domain/jobs.ts";
import { localDate, weekday } from "../domain/time.ts";
import { sendWeeklyDigest } from "../usecases/weekly-digest.ts";
import type { WeeklyJob } from "./types.ts";

export { digestKey, OFFICE_SCOPE, officeScope, PEOPLE_SCOPE, windowFor, zoneScope } from "../usecases/weekly-digest.ts";

/**
 * The daily 09:00 cron ("0 1 * * *"); only on a Monday in the office's time zone it sends the digest of the
 * ISO week that just ended (a Monday missed is caught up by the 5-minute cron, jobs/runner.ts); the work is
 * usecases/weekly-digest.ts. A failed office makes the run throw, naming the offices that failed.
 */
export const weeklyDigest: WeeklyJob = {
  name: "weekly_digest",
  period: (nowMs, timeZone) => (weekday(localDate(nowMs, timeZone)) === 1 ? targetWeek("weekly_digest", nowMs, timeZone) : null),
  async run(services) {
    const week = weeklyDigest.period(services.nowMs, services.config.TIMEZONE);
    return week ? weeklyDigest.runFor(services, week) : "not_monday";
  },
  async runFor(services, week) {
    const done = await sendWeeklyDigest(services, week);
    if (!done.ok) return `week=${week} already_sent queries=${done.queries}`;
    return `week=${week} office=${done.officeChat ? 1 : "no_chat"}${done.offices ? ` offices=${done.officeCards}` : ""} zones=${done.zoneCards} people=${done.lines} queries=${done.queries}`;
  },
};
