/** The Thursday report reminders: one card per supervisor listing the week's unreported visits (jobs/report-reminders.ts). */
import type { Services } from "./services.ts";
import { holidayPeriods, markFeedback, unansweredFeedback } from "../db/feedback.ts";
import { managersInChainOfEach } from "../db/people.ts";
import { markRemindedStatement } from "../db/plan-runs.ts";
import { unreportedVisits, type UnreportedVisit } from "../db/reports.ts";
import { FEEDBACK_ESCALATE_WORKING_DAYS, FEEDBACK_REMIND_WORKING_DAYS, workingDaysAfter } from "../domain/nameplate.ts";
import { localDate } from "../domain/time.ts";
import { reminderCard } from "../feishu/cards/report-card.ts";
import { messages } from "../i18n/index.ts";
import { feedbackRecordCard } from "./feedback.ts";

export interface ReportRemindersResult {
  visits: number;
  reminded: number;
  /** supervisors with unreported visits but no open_id */
  unreachable: number;
}

/** Queues `report-reminder:<week>:<supervisor>` (a re-run sends nothing twice) and marks the week reminded. */
export async function sendReportReminders(services: Services, week: string): Promise<ReportRemindersResult> {
  const visits = await unreportedVisits(services.d1, week);
  const bySupervisor = new Map<string, UnreportedVisit[]>();
  for (const visit of visits) {
    const list = bySupervisor.get(visit.supervisorCode) ?? [];
    list.push(visit);
    bySupervisor.set(visit.supervisorCode, list);
  }
  let reminded = 0;
  let unreachable = 0;
  for (const [supervisorCode, list] of bySupervisor) {
    const first = list[0]!;
    if (!first.openId) {
      unreachable++;
      continue;
    }
    const t = messages(first.lang);
    services.uow.send({
      key: `report-reminder:${week}:${supervisorCode}`,
      to: { openId: first.openId },
      msgType: "interactive",
      content: reminderCard(t, week, list.map((v) => ({ assignmentId: v.assignmentId, schoolName: v.schoolName, reason: v.reason }))),
    });
    reminded++;
  }
  services.uow.write(markRemindedStatement(services.d1, week, services.nowMs));
  return { visits: visits.length, reminded, unreachable };
}

/** Feedback older than this is past reminding (its escalation, if any, went long ago). */
const FEEDBACK_LOOK_BACK_MS = 60 * 86_400_000;

/**
 * Public feedback not replied to (jobs/feedback-reminders.ts): after 2 working days the school's supervisor gets its
 * card again under a reminder's title; after 5 the managers of the school's office chain get it. Each once per
 * feedback (`reminded_at`, `escalated_at`, queued with the messages).
 */
export async function remindUnansweredFeedback(services: Services): Promise<{ reminded: number; escalated: number }> {
  const { d1, nowMs } = services;
  const timeZone = services.config.TIMEZONE;
  const today = localDate(nowMs, timeZone);
  const [rows, periods] = await Promise.all([unansweredFeedback(d1, nowMs - FEEDBACK_LOOK_BACK_MS), holidayPeriods(d1)]);
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
  return { reminded: remind.length, escalated: escalate.length };
}
