/**
 * Daily 09:00 (cron "0 1 * * *"): public feedback not replied to. After 2 working days the school's supervisor gets
 * its card again under a reminder's title; after 5 the managers of the school's office chain get it (like orders'
 * escalation). Each happens once per feedback (`reminded_at`, `escalated_at`, written in the same commit as the
 * messages); re-running the same day sends and writes nothing new.
 */
import { holidayPeriods, markFeedback, unansweredFeedback } from "../db/nameplate.ts";
import { managersInChainOfEach } from "../db/people.ts";
import { FEEDBACK_ESCALATE_WORKING_DAYS, FEEDBACK_REMIND_WORKING_DAYS, workingDaysAfter } from "../domain/nameplate.ts";
import { localDate } from "../domain/time.ts";
import { messages } from "../i18n/index.ts";
import { feedbackRecordCard } from "../usecases/feedback.ts";
import type { Job } from "./types.ts";

/** Feedback older than this is past reminding (its escalation, if any, went long ago). */
const LOOK_BACK_MS = 60 * 86_400_000;

export const feedbackReminders: Job = {
  name: "feedback-reminders",
  async run(services) {
    const { d1, nowMs } = services;
    const timeZone = services.config.TIMEZONE;
    const today = localDate(nowMs, timeZone);
    const [rows, periods] = await Promise.all([unansweredFeedback(d1, nowMs - LOOK_BACK_MS), holidayPeriods(d1)]);
    const due = rows.map((feedback) => ({ feedback, days: workingDaysAfter(localDate(feedback.receivedAt, timeZone), today, periods) }));
    const remind = due.filter(({ feedback, days }) => feedback.remindedAt === null && days >= FEEDBACK_REMIND_WORKING_DAYS).map(({ feedback }) => feedback);
    const escalate = due.filter(({ feedback, days }) => feedback.escalatedAt === null && days >= FEEDBACK_ESCALATE_WORKING_DAYS).map(({ feedback }) => feedback);
    // one statement each whatever the count (at most 500 rows: references of 15 characters, far under D1's bound parameter size)
    if (remind.length) services.uow.write(markFeedback(d1, remind.map((f) => f.reference), "reminded_at", nowMs));
    if (escalate.length) services.uow.write(markFeedback(d1, escalate.map((f) => f.reference), "escalated_at", nowMs));
    for (const feedback of remind) {
      if (!feedback.supervisorOpenId) continue;
      const t = messages(feedback.supervisorLang);
      services.uow.send({
        key: `feedback:${feedback.reference}:remind`,
        to: { openId: feedback.supervisorOpenId },
        msgType: "interactive",
        content: feedbackRecordCard(t, timeZone, feedback, { text: t.schools.nameplate.reminderTitle(feedback.schoolName), template: "orange" }),
      });
    }
    // managers read once for all: each hears of the feedback of their office's chain only
    for (const { manager, items } of await managersInChainOfEach(services.db, escalate, (f) => ({ level: f.zoneLevel, district: f.zoneDistrict }))) {
      const t = messages(manager.lang);
      for (const feedback of items) {
        services.uow.send({
          key: `feedback:${feedback.reference}:escalate:${manager.code}`,
          to: { openId: manager.openId! },
          msgType: "interactive",
          content: feedbackRecordCard(t, timeZone, feedback, { text: t.schools.nameplate.escalationTitle(feedback.schoolName), template: "red" }),
        });
      }
    }
    const [reminded, escalated] = [remind.length, escalate.length];
    return `reminded=${reminded} escalated=${escalated}`;
  },
};
