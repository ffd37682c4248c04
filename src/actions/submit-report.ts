import { z } from "zod";
import type { Services } from "../commands/types.ts";
import { issueOrders } from "../usecases/orders.ts";
import { isManager, managersInChain, type Actor } from "../db/people.ts";
import { mayActOnSchool, reportingRole, reportRefusal } from "../usecases/policy.ts";
import {
  digestSent,
  editReportStatements,
  latestEntry,
  loadAssignment,
  newReportStatements,
  nextIds,
  problemsOfReport,
  problemStatements,
  reportByAssignment,
  reportById,
  reportBySubmissionKey,
  storedContent,
  type AssignmentRecord,
  type ReportRecord,
} from "../db/reports.ts";
import {
  assignedWindow,
  canonicalContent,
  defaultVisitDate,
  extraWindow,
  FORM_VERSION,
  kindForReason,
  keepNotes,
  parseReportForm,
  type FormError,
  type ProblemInput,
  type ReportContent,
} from "../domain/report-form.ts";
import { addDays, isoWeekOf, localDate, weekStart } from "../domain/time.ts";
import { card, escapeMarkdown, markdown, type Card } from "../feishu/cards/kit.ts";
import { problemItemLabel, reportFormCard, reportSummaryCard, type ExistingProblem } from "../feishu/cards/report-card.ts";
import type { CardAnswer } from "../feishu/payloads.ts";
import { messages, type Messages } from "../i18n/index.ts";
import type { ActionContext, CardActionHandler } from "./types.ts";
import { withPhotos } from "../feishu/cards/photo-block.ts";
import { cardImagesOf } from "../photos/images.ts";

/**
 * `submit_report`: the report form's submit button. Three kinds of form, told
 * apart by the button's value:
 *   { assignment_id }          a planned visit (one report per assignment)
 *   { report_id, version }     an edit of an existing report (a new version)
 *   { school_code, form_id }   a visit outside the plan (补报): a report with no
 *                              assignment, attached to the school; one report per card
 * Bad input answers an error toast and no card (the card stays as typed).
 */

/** A numeric id in a card value: a positive integer or its decimal string; never an array, a boolean or "12abc". */
export const cardId = z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,14}$/).transform(Number)]);

const valueSchema = z.object({
  form: z.number().int().optional(),
  assignment_id: cardId.optional(),
  report_id: cardId.optional(),
  version: cardId.optional(),
  school_code: z.string().min(1).max(64).optional(),
  form_id: z.string().min(1).max(128).optional(),
  /** a month's topics joined (planner.ts topicOfMonth): up to 5 × 20 characters */
  topic: z.string().max(128).nullish(),
});

const today = (services: Services) => localDate(services.nowMs, services.config.TIMEZONE);
const error = (content: string): CardAnswer => ({ toast: { type: "error", content } });

/** The toast text of the first form error, with the field's name in the reader's language. */
export function formErrorText(t: Messages, e: FormError): string {
  const r = t.reports;
  const fieldName = (field: string): string => {
    if (r.fieldNames[field]) return r.fieldNames[field]!;
    const [prefix, ...rest] = field.split("_");
    const key = rest.join("_");
    if (prefix === "m") return r.methodCountField((r.methods as Record<string, string>)[key] ?? key);
    if (prefix === "item") return (r.items as Record<string, string>)[key] ?? key;
    if (prefix === "note") return r.noteField((r.items as Record<string, string>)[key] ?? key);
    if (prefix === "tc") return r.topicChecks[key] ?? key;
    const slot = /^p(\d)_(\w+)$/.exec(field);
    if (slot) return `${r.problemSlot(Number(slot[1]))} · ${{ item: r.problemItem, desc: r.problemDesc, severity: r.problemSeverity, fixed: r.problemFixed, deadline: r.problemDeadline }[slot[2]!] ?? slot[2]}`;
    return field;
  };
  switch (e.code) {
    case "outdated":
      return r.outdatedCard;
    case "missing":
      return r.errorMissing(fieldName(e.field));
    case "too_long":
      return r.errorTooLong(fieldName(e.field), e.max);
    case "bad_value":
      return r.errorBadValue(fieldName(e.field));
    case "both_lists":
      return r.errorBothLists(
        (r.items as Record<string, string>)[e.value] ?? r.topicChecks[e.value] ?? e.value,
      );
    case "date_window":
      return r.errorDateWindow(e.from, e.to);
    case "no_method":
      return r.errorNoMethod;
    case "problem_missing":
      return r.errorProblemMissing(e.slot, { item: r.problemItem, severity: r.problemSeverity, deadline: r.problemDeadline, description: r.problemDesc }[e.field]);
    case "deadline_window":
      return r.errorDeadlineWindow(e.slot, e.from, e.to);
  }
}

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

async function summaryAnswer(ctx: ActionContext, t: Messages, reportId: number, toast: string): Promise<CardAnswer> {
  const summary = await summaryCard(ctx, t, reportId, { callbackToken: ctx.callbackToken, key: `report-summary:${reportId}:${ctx.eventId}` });
  return { toast: { type: "success", content: toast }, ...(summary ? { card: { type: "raw" as const, data: summary } } : {}) };
}

/** Why an assignment can't take a report, or null when it can. */
export function assignmentRefusal(t: Messages, assignment: AssignmentRecord | null): string | null {
  if (!assignment) return t.reports.assignmentGone;
  if (assignment.status === "cancelled") return t.reports.assignmentCancelled;
  if (assignment.status === "moved") return t.reports.assignmentMoved(assignment.movedToWeek ?? "");
  return null;
}

/** The blank form of a planned visit. */
export function assignmentFormCard(services: Services, t: Messages, actor: Actor, assignment: AssignmentRecord): Card {
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
export function extraFormCard(services: Services, t: Messages, school: { code: string; name: string }, formId: string, topic: string | null, defaultKind: "routine" | "complaint" = "routine"): Card {
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
function editWindow(services: Services, report: ReportRecord) {
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
      const message = failure instanceof Error ? failure.message : String(failure);
      if (/UNIQUE constraint failed: (reports|problems)\.id\b/.test(message)) continue;
      if (/UNIQUE constraint failed: (reports|report_versions)\./.test(message)) return { kind: "duplicate" };
      throw failure;
    }
  }
  return { kind: "conflict" };
}

/** Queues the problems, their rectification items and the serious-problem alerts. */
async function queueProblems(
  services: Services,
  input: {
    reportId: number;
    firstId: number;
    /** how many problems the report already has (numbers the alerts) */
    already: number;
    schoolCode: string;
    schoolName: string;
    supervisorName: string;
    week: string;
    content: ReportContent;
    issuedBy: string;
  },
): Promise<void> {
  const { problems } = input.content;
  if (!problems.length) return;
  services.uow.write(
    ...problemStatements(services.d1, { reportId: input.reportId, firstId: input.firstId, schoolCode: input.schoolCode, week: input.week, topic: input.content.topic, problems }, services.nowMs),
  );
  const open = problems.map((p, i) => ({ p, id: input.firstId + i })).filter(({ p }) => !p.fixedOnSpot && p.deadline);
  if (open.length) {
    await issueOrders(services, {
      kind: "rectification_item",
      schoolCodes: open.map(() => input.schoolCode),
      dueDate: open[0]!.p.deadline!,
      dueDates: open.map(({ p }) => p.deadline),
      text: open[0]!.p.description,
      texts: open.map(({ p }) => p.description),
      issuedByCode: input.issuedBy,
      problemIds: open.map(({ id }) => id),
    });
  }
  const serious = problems.map((p, i) => ({ p, n: input.already + i + 1 })).filter(({ p }) => p.severity === "serious");
  if (serious.length) {
    const managers = await managersInChain(services.db, { schoolCode: input.schoolCode });
    for (const manager of managers) {
      const mt = messages(manager.lang);
      for (const { p, n } of serious) services.uow.send(seriousAlert(mt, manager.code, manager.openId!, input, p, n));
    }
  }
}

/** A short stable hash (FNV-1a) of a problem's item and description, whitespace and width folded. */
function problemFingerprint(problem: ProblemInput): string {
  const text = `${problem.item}\u0000${problem.description.normalize("NFKC").replace(/\s+/g, " ").trim()}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

function seriousAlert(
  t: Messages,
  managerCode: string,
  openId: string,
  input: { reportId: number; schoolName: string; supervisorName: string; content: ReportContent },
  problem: ProblemInput,
  n: number,
) {
  const r = t.reports;
  return {
    // Named by what the problem is, not by its place: the same serious problem entered again in an edit alerts no one twice.
    key: `problem:${input.reportId}:serious:${problemFingerprint(problem)}:${managerCode}`,
    to: { openId },
    msgType: "interactive" as const,
    content: card({
      title: r.seriousTitle,
      template: "red",
      elements: [
        markdown(
          r.seriousAlert({
            school: escapeMarkdown(input.schoolName),
            supervisor: escapeMarkdown(input.supervisorName),
            date: input.content.visitDate,
            item: escapeMarkdown(problemItemLabel(t, problem.item, input.content.topic)),
            description: escapeMarkdown(problem.description),
            outcome: problem.fixedOnSpot ? r.fixedOnSpot : r.deadlineOutcome(problem.deadline ?? "", null),
          }),
        ),
      ],
    }),
  };
}

/** A resent form: the same answers as stored mean "already done"; different ones are refused. */
async function answerExisting(services: ActionContext, t: Messages, report: ReportRecord, content: ReportContent, differentText: string): Promise<CardAnswer> {
  const stored = storedContent(report);
  if (stored && canonicalContent(stored) === canonicalContent(content)) return summaryAnswer(services, t, report.id, t.reports.alreadySubmitted);
  return error(differentText);
}

/** What the submitter sees after the batch: the summary, or — when a concurrent submission won — what that one stored. */
async function answerOutcome(
  ctx: ActionContext,
  outcome: CommitOutcome,
  okToast: string,
  stored: () => Promise<ReportRecord | null>,
  content: ReportContent,
  differentText: string,
): Promise<CardAnswer> {
  if (outcome.kind === "ok") return summaryAnswer(ctx, ctx.t, outcome.reportId, okToast);
  if (outcome.kind === "duplicate") {
    const report = await stored();
    if (report) return answerExisting(ctx, ctx.t, report, content, differentText);
  }
  return error(ctx.t.reports.conflict);
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
async function submitNew(ctx: ActionContext, actor: Actor, target: NewReportTarget, content: ReportContent): Promise<CardAnswer> {
  const { t } = ctx;
  const existing = await target.stored();
  if (existing) return answerExisting(ctx, t, existing, content, t.reports.alreadyReported);
  if (await digestSent(ctx.d1, target.week)) return error(t.reports.digestSent);
  const outcome = await commitSubmission(ctx, {
    async build(services, ids) {
      const { assignmentId, schoolCode, supervisorCode, week, onBehalf, submissionKey } = target;
      services.uow.write(
        ...newReportStatements(services.d1, { id: ids.reportId, assignmentId, schoolCode, supervisorCode, week, content, submittedBy: actor.code, onBehalf, submissionKey }, services.nowMs),
      );
      await queueProblems(services, {
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
  return answerOutcome(ctx, outcome, t.reports.submitted, target.stored, content, t.reports.alreadyReported);
}

async function submitForAssignment(ctx: ActionContext, actor: Actor, assignmentId: number): Promise<CardAnswer> {
  const { t } = ctx;
  const assignment = await loadAssignment(ctx.d1, assignmentId);
  const refusal = assignmentRefusal(t, assignment);
  if (refusal || !assignment) return error(refusal!);
  const role = await reportingRole(ctx, actor, assignment);
  if (!role) return error(reportRefusal(t, actor, assignment.schoolName, t.reports.notYours));
  const parsed = parseReportForm(ctx.formValue, { topic: assignment.topic, window: assignedWindow(assignment.week, today(ctx)), today: today(ctx) });
  if (!parsed.ok) return error(formErrorText(t, parsed.errors[0]!));
  return submitNew(
    ctx,
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
      stored: () => reportByAssignment(ctx.d1, assignment.id),
    },
    parsed.content,
  );
}

async function submitExtra(ctx: ActionContext, actor: Actor, schoolCode: string, formId: string, topic: string | null): Promise<CardAnswer> {
  const { t } = ctx;
  const school = await ctx.d1
    .prepare("SELECT code, name, supervisor_code AS supervisorCode FROM schools WHERE code = ?1 AND active = 1")
    .bind(schoolCode)
    .first<{ code: string; name: string; supervisorCode: string | null }>();
  if (!school) return error(t.reports.reportUnknownSchool(schoolCode));
  if (!(await mayActOnSchool(ctx, actor, school.code))) return error(reportRefusal(t, actor, school.name, t.reports.notYours));
  const parsed = parseReportForm(ctx.formValue, { topic, window: extraWindow(today(ctx)), today: today(ctx) });
  if (!parsed.ok) return error(formErrorText(t, parsed.errors[0]!));
  const submissionKey = `extra:${formId}`;
  return submitNew(
    ctx,
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
      stored: () => reportBySubmissionKey(ctx.d1, submissionKey),
    },
    parsed.content,
  );
}

async function submitEdit(ctx: ActionContext, actor: Actor, reportId: number, fromVersion: number): Promise<CardAnswer> {
  const { t } = ctx;
  const report = await reportById(ctx.d1, reportId);
  if (!report) return error(t.reports.reportGone);
  const role = await reportingRole(ctx, actor, report);
  if (!role) return error(reportRefusal(t, actor, report.schoolName, t.reports.notYourReport));
  if (report.assignmentId !== null) {
    const refusal = assignmentRefusal(t, await loadAssignment(ctx.d1, report.assignmentId));
    if (refusal) return error(refusal);
  }
  const stored = storedContent(report);
  if (!stored) return error(t.reports.reportGone);
  const parsed = parseReportForm(ctx.formValue, { topic: stored.topic, window: editWindow(ctx, report), today: today(ctx) });
  if (!parsed.ok) return error(formErrorText(t, parsed.errors[0]!));
  const content = keepNotes(parsed.content, stored);
  if (report.version !== fromVersion) return answerExisting(ctx, t, report, content, t.reports.staleVersion);
  if (await digestSent(ctx.d1, report.week)) return error(t.reports.digestSent);
  const unchanged = content.problems.length === 0 && canonicalContent({ ...content, problems: [] }) === canonicalContent({ ...stored, problems: [] });
  if (unchanged) return summaryAnswer(ctx, t, report.id, t.reports.saved);

  const already = (await problemsOfReport(ctx.d1, report.id)).length;
  const outcome = await commitSubmission(ctx, {
    async build(services, ids) {
      services.uow.write(...editReportStatements(services.d1, { reportId: report.id, fromVersion, content, submittedBy: actor.code, onBehalf: role.onBehalf }, services.nowMs));
      await queueProblems(services, {
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
  return answerOutcome(ctx, outcome, t.reports.saved, () => reportById(ctx.d1, report.id), content, t.reports.staleVersion);
}

export const submitReport: CardActionHandler = {
  name: "submit_report",
  policy: { acts: "report", roles: ["supervisor", "manager", "admin"], reach: "scope" },
  roleRefusal: (t) => t.reports.notYours,
  async run(ctx) {
    const { t, actor } = ctx;
    if (!actor) return error(t.common.cardStranger);
    const value = valueSchema.safeParse(ctx.value);
    if (!value.success) return error(t.common.cardExpired);
    if (value.data.form !== FORM_VERSION) return error(t.reports.outdatedCard);
    const { assignment_id, report_id, version, school_code, form_id, topic } = value.data;
    if (report_id && version) return submitEdit(ctx, actor, report_id, version);
    if (assignment_id) return submitForAssignment(ctx, actor, assignment_id);
    if (school_code && form_id) return submitExtra(ctx, actor, school_code, form_id, topic ?? null);
    return error(t.common.cardExpired);
  },
};
