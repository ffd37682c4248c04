import { targetWeek } from "../domain/jobs.ts";
import { sendReportReminders } from "../usecases/reminders.ts";
import type { WeeklyJob } from "./types.ts";

/**
 * Thursday 16:00 Asia/Shanghai ("0 8 * * 4"): one direct message per
 * supervisor listing each visit of the week still unreported, each with its
 * "report" button. Keyed `report-reminder:<week>:<supervisor>`: a re-run sends nothing twice.
 */
export const reportReminders: WeeklyJob = {
  name: "report_reminders",
  period: (nowMs, timeZone) => targetWeek("report_reminders", nowMs, timeZone),
  run(services) {
    return reportReminders.runFor(services, targetWeek("report_reminders", services.nowMs, services.config.TIMEZONE));
  },
  async runFor(services, week) {
    const done = await sendReportReminders(services, week);
    return `week=${week} visits=${done.visits} reminded=${done.reminded} unreachable=${done.unreachable}`;
  },
};
