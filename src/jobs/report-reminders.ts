import { unreportedVisits, type UnreportedVisit } from "../db/reports.ts";
import { targetWeek } from "../domain/jobs.ts";
import { reminderCard } from "../feishu/cards/report-card.ts";
import { messages } from "../i18n/index.ts";
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
    const visits = await unreportedVisits(services.d1, week);
    const bySupervisor = new Map<string, UnreportedVisit[]>();
    for (const visit of visits) {
      const list = bySupervisor.get(visit.supervisorCode) ?? [];
      list.push(visit);
      bySupervisor.set(visit.supervisorCode, list);
    }
    let sent = 0;
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
      sent++;
    }
    services.uow.write(services.d1.prepare("UPDATE plan_runs SET reminded_at = ?2 WHERE week = ?1").bind(week, services.nowMs));
    return `week=${week} visits=${visits.length} reminded=${sent} unreachable=${unreachable}`;
  },
};
