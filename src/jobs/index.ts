import { deliveryAlerts } from "./delivery-alerts.ts";
import { housekeeping } from "./housekeeping.ts";
import { inboxRecovery } from "./inbox-recovery.ts";
import { photoRetention } from "./photo-retention.ts";
import { photoUploads } from "./photo-uploads.ts";
import { resolveOpenIds } from "./resolve-open-ids.ts";
import { markMissed } from "./mark-missed.ts";
import { reportReminders } from "./report-reminders.ts";
import type { WeeklyJobName } from "../domain/jobs.ts";
import type { Job, WeeklyJob } from "./types.ts";
import { weeklyDigest } from "./weekly-digest.ts";
import { orderDeadlines } from "./order-deadlines.ts";
import { feedbackReminders } from "./feedback-reminders.ts";
import { extensionCards } from "./extension-cards.ts";
import { weeklyPlan } from "./weekly-plan.ts";

/** Cron expression (wrangler.toml `triggers.crons`, UTC) → the jobs it runs, in order. */
export const jobsByCron: Record<string, readonly Job[]> = {
  // Monday 08:00 Asia/Shanghai
  "0 0 * * 1": [markMissed, weeklyPlan],
  // daily 09:00 Asia/Shanghai
  "0 1 * * *": [orderDeadlines, extensionCards, weeklyDigest, feedbackReminders],
  // Thursday 16:00 Asia/Shanghai
  "0 8 * * 4": [reportReminders],
  // every 5 minutes; then the weekly jobs due and not done are caught up (runner.ts)
  "*/5 * * * *": [housekeeping, deliveryAlerts, resolveOpenIds, photoRetention, photoUploads],
  // every minute: chat messages whose work after the 200 did not commit (db/inbox.ts)
  "* * * * *": [inboxRecovery],
};

/** The cron that also catches up the weekly jobs. */
export const CATCH_UP_CRON = "*/5 * * * *";

export const weeklyJobs: Record<WeeklyJobName, WeeklyJob> = {
  mark_missed: markMissed,
  weekly_plan: weeklyPlan,
  weekly_digest: weeklyDigest,
  report_reminders: reportReminders,
};
