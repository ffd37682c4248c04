/**
 * Daily 09:00 (cron "0 1 * * *"): public feedback not replied to. After 2 working days the school's supervisor gets
 * its card again under a reminder's title; after 5 the managers of the school's office chain get it (like orders'
 * escalation). Each happens once per feedback (`reminded_at`, `escalated_at`, written in the same commit as the
 * messages); re-running the same day sends and writes nothing new.
 */
import { remindUnansweredFeedback } from "../usecases/reminders.ts";
import type { Job } from "./types.ts";

export const feedbackReminders: Job = {
  name: "feedback-reminders",
  async run(services) {
    const { reminded, escalated } = await remindUnansweredFeedback(services);
    return `reminded=${reminded} escalated=${escalated}`;
  },
};
