import { housekeeping } from "./housekeeping.ts";
import { photoRetention } from "./photo-retention.ts";
import { resolveOpenIds } from "./resolve-open-ids.ts";
import { markMissed } from "./mark-missed.ts";
import { reportReminders } from "./report-reminders.ts";
import type { Job } from "./types.ts";
import { weeklyDigest } from "./weekly-digest.ts";
import { orderDeadlines } from "./order-deadlines.ts";
import { extensionCards } from "./extension-cards.ts";
import { weeklyPlan } from "./weekly-plan.ts";

/** Cron expression (wrangler.toml `triggers.crons`, UTC) → the jobs it runs, in order. */
export const jobsByCron: Record<string, readonly Job[]> = {
  // Monday 08:00 Asia/Shanghai
  "0 0 * * 1": [markMissed, weeklyPlan],
  // daily 09:00 Asia/Shanghai
  "0 1 * * *": [orderDeadlines, extensionCards, weeklyDigest],
  // Thursday 16:00 Asia/Shanghai
  "0 8 * * 4": [reportReminders],
  "*/5 * * * *": [housekeeping, resolveOpenIds, photoRetention],
};
