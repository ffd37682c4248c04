/**
 * The report's cards as the reader gets them: the blank form of a planned visit or of a visit outside the plan
 * (补报), the form pre-filled for an edit, and the summary as stored (with its photos). Read from storage here so
 * every handler that shows a report shows the same card.
 */
import type { Services } from "../services.ts";
import type { Actor } from "../../db/people.ts";
import { digestSent, latestEntry, problemsOfReport, reportById, storedContent, type AssignmentRecord, type ReportRecord } from "../../db/reports.ts";
import { assignedWindow, defaultVisitDate, extraWindow, kindForReason } from "../../domain/report-form.ts";
import { addDays, localDate, weekStart } from "../../domain/time.ts";
import type { Card } from "../../feishu/cards/kit.ts";
import { withPhotos } from "../../feishu/cards/photo-block.ts";
import { reportFormCard, reportSummaryCard, type ExistingProblem } from "../../feishu/cards/report-card.ts";
import type { Messages } from "../../i18n/index.ts";
import { cardImagesOf } from "../../photos/images.ts";

export const today = (services: Pick<Services, "nowMs" | "config">) => localDate(services.nowMs, services.config.TIMEZONE);

const toExisting = (p: { item: string; description: string; severity: ExistingProblem["severity"]; fixedOnSpot: number; deadline: string | null; orderNumber: string | null }): ExistingProblem => ({
  ...p,
  fixedOnSpot: Boolean(p.fixedOnSpot),
});

/** The report's summary as stored; `photos`: those uploaded (a callback's answer never uploads), "upload" the rest now, or the rest in a delayed update. */
export async function summaryCard(services: Services, t: Messages, reportId: number, photos: "uploaded" | "upload" | { callbackToken?: string; key: string } = "uploaded"): Promise<Card | null> {
  const report = await reportById(services.d1, reportId);
  if (!report) return null;
  const content = storedContent(report);
  if (!content) return null;
  const [problems, entry, locked, images] = await Promise.all([
    problemsOfReport(services.d1, reportId),
    latestEntry(services.d1, reportId),
    digestSent(services.d1, report.week),
    cardImagesOf(services, { kind: "report", id: reportId }, typeof photos === "object" ? { ...photos, rebuild: () => summaryCard(services, t, reportId, "upload") } : photos === "upload"),
  ]);
  const summary = reportSummaryCard({
    t,
    reportId,
    schoolName: report.schoolName,
    supervisorName: report.supervisorName,
    enteredBy: entry && entry.onBehalf ? entry.name : null,
    version: report.version,
    content,
    problems: problems.map(toExisting),
    locked,
  });
  return withPhotos(summary, t, images.imageKeys, images.total);
}

/** The blank form of a planned visit. */
export function assignmentFormCard(services: Pick<Services, "nowMs" | "config">, t: Messages, actor: Actor, assignment: AssignmentRecord): Card {
  const now = today(services);
  const window = assignedWindow(assignment.week, now);
  return reportFormCard({
    t,
    schoolName: assignment.schoolName,
    week: assignment.week,
    window,
    topic: assignment.topic,
    defaultDate: defaultVisitDate(window, now),
    defaultKind: kindForReason(assignment.reason),
    submitValue: { assignment_id: assignment.id },
    onBehalfOf: actor.code === assignment.supervisorCode ? null : assignment.supervisorName,
  });
}

/** The blank form of a visit outside the plan (补报). */
export function extraFormCard(services: Pick<Services, "nowMs" | "config">, t: Messages, school: { code: string; name: string }, formId: string, topic: string | null, defaultKind: "routine" | "complaint" = "routine"): Card {
  const now = today(services);
  const window = extraWindow(now);
  return reportFormCard({
    t,
    schoolName: school.name,
    week: null,
    window,
    topic,
    defaultDate: now,
    defaultKind,
    submitValue: { school_code: school.code, form_id: formId, topic },
  });
}

/** The dates an existing report may move to when edited. */
export function editWindow(services: Pick<Services, "nowMs" | "config">, report: ReportRecord) {
  const now = today(services);
  if (report.assignmentId !== null) return assignedWindow(report.week, now);
  const monday = weekStart(report.week);
  const sunday = addDays(monday, 6);
  return { from: monday, to: sunday < now ? sunday : now };
}

/** The form pre-filled with the latest version, for an edit. */
export async function editFormCard(services: Services, t: Messages, actor: Actor, report: ReportRecord): Promise<Card | null> {
  const content = storedContent(report);
  if (!content) return null;
  const problems = await problemsOfReport(services.d1, report.id);
  const window = editWindow(services, report);
  return reportFormCard({
    t,
    schoolName: report.schoolName,
    week: report.week,
    window,
    topic: content.topic,
    defaultDate: content.visitDate,
    defaultKind: content.kind,
    submitValue: { report_id: report.id, version: report.version },
    initial: { ...content, problems: [] },
    existingProblems: problems.map(toExisting),
    onBehalfOf: actor.code === report.supervisorCode ? null : report.supervisorName,
  });
}
