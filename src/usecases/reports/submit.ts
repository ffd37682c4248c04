/**
 * Submitting the report form (`submit_report`). Three kinds of form:
 *   a planned visit (one report per assignment), an edit of an existing report (a new version), and a visit
 *   outside the plan (补报: a report with no assignment, attached to the school; one report per card).
 * Validation → one D1 batch (report, version, problems, rectification items, alerts) → the outcome the handler renders.
 * A refusal changes nothing.
 */
import type { Services } from "../services.ts";
import type { Actor } from "../../db/people.ts";
import { errorChainText } from "../../db/error-text.ts";
import {
  activeSchoolForReport,
  digestSent,
  loadAssignment,
  problemsOfReport,
  reportByAssignment,
  reportById,
  reportBySubmissionKey,
  storedContent,
  type AssignmentRecord,
  type ReportRecord,
} from "../../db/reports.ts";
import { editReportStatements, newReportStatements, nextIds } from "../../db/report-writes.ts";
import { assignedWindow, canonicalContent, extraWindow, keepNotes, parseReportForm, type FormError, type ReportContent } from "../../domain/report-form.ts";
import { isoWeekOf } from "../../domain/time.ts";
import { mayActOnSchool, reportingRole } from "../policy.ts";
import { editWindow, today } from "./cards.ts";
import { queueProblems } from "./problems.ts";

export type SubmitTarget =
  | { kind: "edit"; reportId: number; version: number }
  | { kind: "assignment"; assignmentId: number }
  | { kind: "extra"; schoolCode: string; formId: string; topic: string | null };

export interface SubmitInput {
  actor: Actor;
  target: SubmitTarget;
  formValue: Record<string, unknown> | null;
}

/** Why an assignment can't take a report. */
export type AssignmentRefusal = { reason: "assignment-gone" } | { reason: "assignment-cancelled" } | { reason: "assignment-moved"; movedToWeek: string };

export type SubmitRefusal =
  | AssignmentRefusal
  | { reason: "not-yours" | "not-your-report"; schoolName: string }
  | { reason: "unknown-school"; schoolCode: string }
  | { reason: "form"; error: FormError }
  | { reason: "already-reported" | "stale-version" | "digest-sent" | "conflict" | "report-gone" };

export type SubmitResult = { ok: true; reportId: number; outcome: "submitted" | "saved" | "already-submitted" } | ({ ok: false } & SubmitRefusal);

/** Why an assignment can't take a report, or null when it can. */
export function assignmentRefusal(assignment: AssignmentRecord | null): AssignmentRefusal | null {
  if (!assignment) return { reason: "assignment-gone" };
  if (assignment.status === "cancelled") return { reason: "assignment-cancelled" };
  if (assignment.status === "moved") return { reason: "assignment-moved", movedToWeek: assignment.movedToWeek ?? "" };
  return null;
}

const refuse = (refusal: SubmitRefusal): SubmitResult => ({ ok: false, ...refusal });

export async function submitReport(services: Services, input: SubmitInput): Promise<SubmitResult> {
  const { target } = input;
  if (target.kind === "edit") return submitEdit(services, input.actor, input.formValue, target.reportId, target.version);
  if (target.kind === "assignment") return submitForAssignment(services, input.actor, input.formValue, target.assignmentId);
  return submitExtra(services, input.actor, input.formValue, target.schoolCode, target.formId, target.topic);
}

interface Plan {
  /** statements and messages of the submission, given the ids it may use */
  build(services: Services, ids: { reportId: number; problemId: number }): Promise<number>;
}

type CommitOutcome = { kind: "ok"; reportId: number } | { kind: "duplicate" } | { kind: "conflict" };

/** Commits a submission in one D1 batch, retrying when another submission took the same ids. */
async function commitSubmission(services: Services, plan: Plan): Promise<CommitOutcome> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const uow = services.uow.fresh();
    const scoped: Services = { ...services, uow };
    const ids = await nextIds(services.d1);
    const reportId = await plan.build(scoped, ids);
    try {
      await uow.commit();
      return { kind: "ok", reportId };
    } catch (failure) {
      const message = errorChainText(failure);
      if (/UNIQUE constraint failed: (reports|problems)\.id\b/.test(message)) continue;
      if (/UNIQUE constraint failed: (reports|report_versions)\./.test(message)) return { kind: "duplicate" };
      throw failure;
    }
  }
  return { kind: "conflict" };
}

type Different = "already-reported" | "stale-version";

/** A resent form: the same answers as stored mean "already done"; different ones are refused. */
function answerExisting(report: ReportRecord, content: ReportContent, different: Different): SubmitResult {
  const stored = storedContent(report);
  if (stored && canonicalContent(stored) === canonicalContent(content)) return { ok: true, reportId: report.id, outcome: "already-submitted" };
  return refuse({ reason: different });
}

/** The outcome of the batch: stored, or — when a concurrent submission won — what that one stored. */
async function answerOutcome(outcome: CommitOutcome, ok: "submitted" | "saved", stored: () => Promise<ReportRecord | null>, content: ReportContent, different: Different): Promise<SubmitResult> {
  if (outcome.kind === "ok") return { ok: true, reportId: outcome.reportId, outcome: ok };
  if (outcome.kind === "duplicate") {
    const report = await stored();
    if (report) return answerExisting(report, content, different);
  }
  return refuse({ reason: "conflict" });
}

interface NewReportTarget {
  assignmentId: number | null;
  schoolCode: string;
  schoolName: string;
  supervisorCode: string;
  supervisorName: string;
  week: string;
  onBehalf: boolean;
  /** one report per key: `assignment:<id>` or `extra:<form id>` */
  submissionKey: string;
  /** the report already stored for this target, if any */
  stored: () => Promise<ReportRecord | null>;
}

/** A first report (a planned visit or a 补报): stored once; a resent form answers what is stored. */
async function submitNew(services: Services, actor: Actor, target: NewReportTarget, content: ReportContent): Promise<SubmitResult> {
  const existing = await target.stored();
  if (existing) return answerExisting(existing, content, "already-reported");
  if (await digestSent(services.d1, target.week)) return refuse({ reason: "digest-sent" });
  const outcome = await commitSubmission(services, {
    async build(scoped, ids) {
      const { assignmentId, schoolCode, supervisorCode, week, onBehalf, submissionKey } = target;
      scoped.uow.write(
        ...newReportStatements(scoped.d1, { id: ids.reportId, assignmentId, schoolCode, supervisorCode, week, content, submittedBy: actor.code, onBehalf, submissionKey }, scoped.nowMs),
      );
      await queueProblems(scoped, {
        reportId: ids.reportId,
        firstId: ids.problemId,
        already: 0,
        schoolCode,
        schoolName: target.schoolName,
        supervisorName: target.supervisorName,
        week,
        content,
        issuedBy: actor.code,
      });
      return ids.reportId;
    },
  });
  return answerOutcome(outcome, "submitted", target.stored, content, "already-reported");
}

async function submitForAssignment(services: Services, actor: Actor, formValue: SubmitInput["formValue"], assignmentId: number): Promise<SubmitResult> {
  const assignment = await loadAssignment(services.d1, assignmentId);
  const refusal = assignmentRefusal(assignment);
  if (refusal || !assignment) return refuse(refusal!);
  const role = await reportingRole(services, actor, assignment);
  if (!role) return refuse({ reason: "not-yours", schoolName: assignment.schoolName });
  const parsed = parseReportForm(formValue, { topic: assignment.topic, window: assignedWindow(assignment.week, today(services)), today: today(services) });
  if (!parsed.ok) return refuse({ reason: "form", error: parsed.errors[0]! });
  return submitNew(
    services,
    actor,
    {
      assignmentId: assignment.id,
      schoolCode: assignment.schoolCode,
      schoolName: assignment.schoolName,
      supervisorCode: assignment.supervisorCode,
      supervisorName: assignment.supervisorName,
      week: assignment.week,
      onBehalf: role.onBehalf,
      submissionKey: `assignment:${assignment.id}`,
      stored: () => reportByAssignment(services.d1, assignment.id),
    },
    parsed.content,
  );
}

async function submitExtra(services: Services, actor: Actor, formValue: SubmitInput["formValue"], schoolCode: string, formId: string, topic: string | null): Promise<SubmitResult> {
  const school = await activeSchoolForReport(services.db, schoolCode);
  if (!school) return refuse({ reason: "unknown-school", schoolCode });
  if (!(await mayActOnSchool(services, actor, school.code))) return refuse({ reason: "not-yours", schoolName: school.name });
  const parsed = parseReportForm(formValue, { topic, window: extraWindow(today(services)), today: today(services) });
  if (!parsed.ok) return refuse({ reason: "form", error: parsed.errors[0]! });
  const submissionKey = `extra:${formId}`;
  return submitNew(
    services,
    actor,
    {
      assignmentId: null,
      schoolCode: school.code,
      schoolName: school.name,
      // the visitor is the sender (a manager visits too): see commands/report.ts
      supervisorCode: actor.code,
      supervisorName: actor.name,
      week: isoWeekOf(parsed.content.visitDate),
      onBehalf: false,
      submissionKey,
      stored: () => reportBySubmissionKey(services.d1, submissionKey),
    },
    parsed.content,
  );
}

async function submitEdit(services: Services, actor: Actor, formValue: SubmitInput["formValue"], reportId: number, fromVersion: number): Promise<SubmitResult> {
  const report = await reportById(services.d1, reportId);
  if (!report) return refuse({ reason: "report-gone" });
  const role = await reportingRole(services, actor, report);
  if (!role) return refuse({ reason: "not-your-report", schoolName: report.schoolName });
  if (report.assignmentId !== null) {
    const refusal = assignmentRefusal(await loadAssignment(services.d1, report.assignmentId));
    if (refusal) return refuse(refusal);
  }
  const stored = storedContent(report);
  if (!stored) return refuse({ reason: "report-gone" });
  const parsed = parseReportForm(formValue, { topic: stored.topic, window: editWindow(services, report), today: today(services) });
  if (!parsed.ok) return refuse({ reason: "form", error: parsed.errors[0]! });
  const content = keepNotes(parsed.content, stored);
  if (report.version !== fromVersion) return answerExisting(report, content, "stale-version");
  if (await digestSent(services.d1, report.week)) return refuse({ reason: "digest-sent" });
  const unchanged = content.problems.length === 0 && canonicalContent({ ...content, problems: [] }) === canonicalContent({ ...stored, problems: [] });
  if (unchanged) return { ok: true, reportId: report.id, outcome: "saved" };

  const already = (await problemsOfReport(services.d1, report.id)).length;
  const outcome = await commitSubmission(services, {
    async build(scoped, ids) {
      scoped.uow.write(...editReportStatements(scoped.d1, { reportId: report.id, fromVersion, content, submittedBy: actor.code, onBehalf: role.onBehalf }, scoped.nowMs));
      await queueProblems(scoped, {
        reportId: report.id,
        firstId: ids.problemId,
        already,
        schoolCode: report.schoolCode,
        schoolName: report.schoolName,
        supervisorName: report.supervisorName,
        week: report.week,
        content,
        issuedBy: actor.code,
      });
      return report.id;
    },
  });
  return answerOutcome(outcome, "saved", () => reportById(services.d1, report.id), content, "stale-version");
}
