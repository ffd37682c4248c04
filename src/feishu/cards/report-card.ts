import {
  FORM_VERSION,
  MAX_COUNT_CHARS,
  MAX_GOOD_PRACTICE,
  MAX_PROBLEM_TEXT,
  MAX_TEXT,
  METHODS,
  PROBLEM_SLOTS,
  ROUTINE_ITEMS,
  SEVERITIES,
  VISIT_KINDS,
  splitTopics,
  topicChecks,
  type ReportContent,
  type VisitKind,
} from "../../domain/report-form.ts";
import type { Messages } from "../../i18n/index.ts";
import { cardFits } from "../conformance.ts";
import { button, card, escapeMarkdown, markdown, type Card, type CardElement } from "./kit.ts";
import { checker, datePicker, multiSelect, row, selectStatic, textInput } from "./report-form-controls.ts";

/**
 * The visit report form (one `form` container at the body root, every field
 * named as in domain/report-form.ts) and the read-only summary that replaces
 * it after a submission.
 */

/** The topic in the reader's language; several topics of one month are named one by one. */
export function topicLabel(t: Messages, topic: string): string {
  const names = splitTopics(topic);
  return names.length ? names.map((name) => t.reports.topicNames[name] ?? name).join(t.common.and) : topic;
}

export function problemItemLabel(t: Messages, item: string, topic: string | null): string {
  if (item === "topic") return topic ? topicLabel(t, topic) : t.reports.problemItemTopic;
  if (item === "other") return t.reports.problemItemOther;
  return (t.reports.items as Record<string, string>)[item] ?? item;
}

export interface ExistingProblem {
  item: string;
  description: string;
  severity: (typeof SEVERITIES)[number];
  fixedOnSpot: boolean;
  deadline: string | null;
  orderNumber: string | null;
}

export interface ReportFormInput {
  t: Messages;
  schoolName: string;
  /** the assignment's week; null for a visit outside the plan */
  week: string | null;
  window: { from: string; to: string };
  topic: string | null;
  defaultDate: string;
  defaultKind: VisitKind;
  /** the submit button's callback value, without `action` and `form` */
  submitValue: Record<string, unknown>;
  /** the latest content, when editing */
  initial?: ReportContent | null;
  existingProblems?: readonly ExistingProblem[];
  /** the supervisor's name when someone else (a manager) fills it in */
  onBehalfOf?: string | null;
}

/** Feishu refuses a card message body over 30 KB (conformance.ts); this leaves a margin. */
export const CARD_BUDGET_BYTES = 29_000;

/**
 * The form fits Feishu's 200 elements with room to spare at its largest (every
 * topic check, every slot, an edit on behalf of someone: see the unit test
 * test/unit/card-conformance.test.ts). Should a long pre-filled edit still be
 * too big, empty problem slots go first, then the list of recorded problems.
 */
export function reportFormCard(input: ReportFormInput): Card {
  let slots = PROBLEM_SLOTS;
  let result = buildForm(input, slots);
  while (slots > 0 && !cardFits(result, CARD_BUDGET_BYTES)) result = buildForm(input, --slots);
  // a month with many topics and a long report: the list of problems already recorded goes last (they stay stored and listed in the summary)
  if (!cardFits(result, CARD_BUDGET_BYTES) && input.existingProblems?.length) result = buildForm({ ...input, existingProblems: [] }, 0);
  return result;
}

function buildForm(input: ReportFormInput, slots: number): Card {
  const { t, initial, topic } = input;
  const r = t.reports;
  const editing = Boolean(initial);
  const elements: CardElement[] = [];
  if (input.onBehalfOf) elements.push(markdown(r.onBehalfHint(escapeMarkdown(input.onBehalfOf))));
  elements.push(
    row([
      { weight: 1, elements: [datePicker("visit_date", { placeholder: r.visitDate, initial: initial?.visitDate ?? input.defaultDate, required: true })] },
      {
        weight: 1,
        elements: [
          selectStatic(
            "visit_kind",
            VISIT_KINDS.map((kind) => ({ value: kind, label: r.kinds[kind] })),
            { placeholder: r.visitKind, initial: initial?.kind ?? input.defaultKind, required: true },
          ),
        ],
      },
    ]),
  );

  elements.push(markdown(r.methodsTitle));
  for (let i = 0; i < METHODS.length; i += 3) {
    elements.push(
      row(
        METHODS.slice(i, i + 3).map((method) => ({
          weight: 1,
          elements: [textInput(`m_${method}`, { placeholder: r.methods[method], max: MAX_COUNT_CHARS, initial: initial?.methods[method] ? String(initial.methods[method]) : undefined })],
        })),
      ),
    );
  }

  // the eight items: only the exceptions are picked, everything else is normal
  const itemOptions = ROUTINE_ITEMS.map((item) => ({ value: item, label: r.items[item] }));
  const itemsIn = (state: string) => ROUTINE_ITEMS.filter((item) => initial?.items[item]?.state === state);
  elements.push(
    markdown(r.itemsTitle),
    multiSelect("items_problem", itemOptions, { placeholder: r.itemsProblem, initial: itemsIn("problem") }),
    multiSelect("items_unchecked", itemOptions, { placeholder: r.itemsUnchecked, initial: itemsIn("not_checked") }),
  );

  const checks = topicChecks(topic);
  if (topic && checks.length) {
    const checkOptions = checks.map((check) => ({ value: check, label: r.topicChecks[check] ?? check }));
    const checksIn = (state: string) => checks.filter((check) => initial?.topicChecks[check] === state);
    elements.push(
      markdown(r.topicTitle(escapeMarkdown(topicLabel(t, topic)))),
      multiSelect("tc_not_met", checkOptions, { placeholder: r.topicNotMet, initial: checksIn("not_met") }),
      multiSelect("tc_unchecked", checkOptions, { placeholder: r.topicUnchecked, initial: checksIn("not_checked") }),
    );
  }

  elements.push(textInput("findings", { label: r.findings, multiline: true, max: MAX_TEXT, initial: initial?.findings || undefined }));

  elements.push(markdown(r.problemsTitle));
  if (input.existingProblems?.length) {
    const shown = input.existingProblems.slice(0, SUMMARY_PROBLEMS);
    const more = input.existingProblems.length > shown.length ? ["…"] : [];
    elements.push(markdown([r.existingProblemsTitle, ...problemLines(t, shown, topic, 60), ...more].join("\n")));
  }
  const problemItems = [...ROUTINE_ITEMS.map((item) => ({ value: item, label: r.itemsShort[item] })), ...(topic ? [{ value: "topic", label: problemItemLabel(t, "topic", topic) }] : []), { value: "other", label: r.problemItemOther }];
  const severities = SEVERITIES.map((severity) => ({ value: severity, label: r.severities[severity] }));
  for (let n = 1; n <= slots; n++) {
    elements.push(
      row([
        { weight: 3, elements: [selectStatic(`p${n}_item`, problemItems, { placeholder: r.problemSlotItem(n) })] },
        { weight: 2, elements: [selectStatic(`p${n}_severity`, severities, { placeholder: r.problemSeverity })] },
      ]),
      textInput(`p${n}_desc`, { placeholder: r.problemDesc, max: MAX_PROBLEM_TEXT }),
      checker(`p${n}_fixed`, r.problemFixed),
      datePicker(`p${n}_deadline`, { placeholder: r.problemDeadline }),
    );
  }

  elements.push(textInput("good_practice", { label: r.goodPractice, multiline: true, max: MAX_GOOD_PRACTICE, initial: initial?.goodPractice || undefined }));
  elements.push(
    button({
      text: editing ? r.submitEdit : r.submit,
      type: "primary_filled",
      name: "submit_report",
      formAction: "submit",
      value: { action: "submit_report", form: FORM_VERSION, ...input.submitValue },
    }),
  );

  const title = editing ? r.formTitleEdit(input.schoolName) : r.formTitle(input.schoolName);
  // one line on a phone (a longer subtitle is cut): the week; the visit dates the form allows open the body
  const subtitle = input.week ? r.formSubtitleShort(input.week) : r.formSubtitleExtraShort;
  const result = card({ title, subtitle, template: editing ? "orange" : "blue", elements: [] });
  result.body.elements = [{ tag: "form", name: "report_form", elements: [markdown(r.formDates(input.window.from, input.window.to)), ...elements] }];
  return result;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** One line per problem; descriptions clipped to `max` characters so a long list keeps the card small. */
function problemLines(t: Messages, problems: readonly ExistingProblem[], topic: string | null, max: number): string[] {
  const r = t.reports;
  return problems.map((p, i) =>
    r.problemLine({
      n: i + 1,
      item: escapeMarkdown(problemItemLabel(t, p.item, topic)),
      severity: r.severities[p.severity],
      description: escapeMarkdown(clip(p.description, max)),
      outcome: p.fixedOnSpot ? r.fixedOnSpot : r.deadlineOutcome(p.deadline ?? "", p.orderNumber ? escapeMarkdown(p.orderNumber) : null),
    }),
  );
}

/** the summary lists this many problems (the rest are in the orders list) */
const SUMMARY_PROBLEMS = 10;

export interface ReportSummaryInput {
  t: Messages;
  reportId: number;
  schoolName: string;
  supervisorName: string;
  /** who entered the latest version, when it was someone else */
  enteredBy: string | null;
  version: number;
  content: ReportContent;
  problems: readonly ExistingProblem[];
  /** the week's digest is out: no edit button */
  locked: boolean;
}

export function reportSummaryCard(input: ReportSummaryInput): Card {
  const { t, content } = input;
  const r = t.reports;
  const lines: string[] = [];
  lines.push(
    r.summaryMeta({
      date: content.visitDate,
      kind: r.kinds[content.kind],
      supervisor: escapeMarkdown(input.supervisorName) + (input.enteredBy ? r.summaryOnBehalf(escapeMarkdown(input.enteredBy)) : ""),
      version: input.version,
    }),
  );
  const methods = METHODS.filter((m) => (content.methods[m] ?? 0) > 0).map((m) => r.methodCount(r.methods[m], content.methods[m]));
  lines.push(r.summaryMethods(methods.join(t.common.and) || t.common.none));
  lines.push(r.summaryItems);
  for (const item of ROUTINE_ITEMS) {
    const answer = content.items[item];
    if (!answer) continue;
    lines.push(`- ${r.items[item]}：${r.itemStates[answer.state]}${answer.note ? `（${escapeMarkdown(answer.note)}）` : ""}`);
  }
  if (content.topic) {
    lines.push(r.summaryTopic(escapeMarkdown(topicLabel(t, content.topic))));
    for (const [check, state] of Object.entries(content.topicChecks)) lines.push(`- ${r.topicChecks[check] ?? check}：${r.checkStates[state]}`);
  }
  if (content.findings) lines.push(r.summaryFindings(escapeMarkdown(content.findings)));
  if (input.problems.length) {
    lines.push(r.summaryProblems(input.problems.length), ...problemLines(t, input.problems.slice(0, SUMMARY_PROBLEMS), content.topic, 200));
    if (input.problems.length > SUMMARY_PROBLEMS) lines.push("…");
  }
  else lines.push(r.summaryNoProblems);
  if (content.goodPractice) lines.push(r.summaryGoodPractice(escapeMarkdown(content.goodPractice)));

  const elements: CardElement[] = [markdown(lines.join("\n"))];
  if (input.locked) elements.push(markdown(r.locked));
  else elements.push(button({ text: r.editButton, value: { action: "edit_report", report_id: input.reportId } }));
  return card({ title: r.summaryTitle(input.schoolName), template: "green", elements });
}

/** The Thursday reminder: each unreported visit of the week with its own "report" button. */
export function reminderCard(t: Messages, week: string, visits: readonly { assignmentId: number; schoolName: string; reason: string }[]): Card {
  const r = t.reports;
  const elements: CardElement[] = [markdown(r.reminderIntro(visits.length))];
  for (const visit of visits) {
    elements.push(
      row([
        { weight: 3, elements: [markdown(r.reminderLine(escapeMarkdown(visit.schoolName), r.reasons[visit.reason] ?? visit.reason))] },
        { weight: 1, elements: [button({ text: r.reminderButton, type: "primary", value: { action: "open_report", assignment_id: visit.assignmentId } })] },
      ]),
    );
  }
  return card({ title: r.reminderTitle(week), template: "orange", elements });
}
