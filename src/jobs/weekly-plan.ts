import { targetWeek } from "../domain/jobs.ts";
import { planAndSendWeek } from "../usecases/weekly-plan.ts";
import type { WeeklyJob } from "./types.ts";

/** Monday 08:00: plan the week, store it, send each supervisor one card (usecases/weekly-plan.ts). */
export { preparePlan, sendPlan, visitsOfWeek, type PreparedPlan, type SendOutcome } from "../usecases/weekly-plan.ts";

export const weeklyPlan: WeeklyJob = {
  name: "weekly_plan",
  period: (nowMs, timeZone) => targetWeek("weekly_plan", nowMs, timeZone),
  run(services) {
    return weeklyPlan.runFor(services, targetWeek("weekly_plan", services.nowMs, services.config.TIMEZONE));
  },
  async runFor(services, week) {
    const done = await planAndSendWeek(services, week);
    if (!done.ok) return done.reason === "already-sent" ? `week=${week} already_sent` : `week=${week} no_school_days`;
    const { outcome } = done;
    return `week=${week} cards=${outcome.cards} visits=${outcome.visits} carried=${outcome.carried} no_open_id=${outcome.noOpenId}`;
  },
};
