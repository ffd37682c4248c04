/** The Thursday report reminders: one card per supervisor listing the week's unreported visits (jobs/report-reminders.ts). */
import type { Services } from "../commands/types.ts";
import { markRemindedStatement } from "../db/plan-runs.ts";
import { unreportedVisits, type UnreportedVisit } from "../db/reports.ts";
import { reminderCard } from "../feishu/cards/report-card.ts";
import { messages } from "../i18n/index.ts";

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
