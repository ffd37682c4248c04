import { z } from "zod";
import { addDays, isValidDate, type IsoDate } from "./time.ts";
import { MAX_COUNT_CHARS, MAX_DEADLINE_DAYS, MAX_GOOD_PRACTICE, MAX_PROBLEM_TEXT, MAX_TEXT, METHODS, PROBLEM_ITEMS, PROBLEM_SLOTS, ROUTINE_ITEMS, SEVERITIES, VISIT_KINDS, topicChecks } from "./report-checklist.ts";
import type { CheckState, ItemState, Method, ProblemItem, Severity, VisitKind } from "./report-checklist.ts";
import type { ProblemInput, ReportContent } from "./report-content.ts";

/**
 * The visit report form: the checklist (domain.md "Visits"), the names of the
 * card's form fields, and the server-side validation of a submitted
 * `form_value`. Pure: no I/O, "today" is an argument.
 *
 * Field names (card-unique, see feishu/cards/report-card.ts), form version 2:
 *   visit_date, visit_kind, m_<method> (count, input), items_problem and
 *   items_unchecked (multi-selects of routine items; an item in neither is
 *   normal), tc_not_met and tc_unchecked (multi-selects of the topic's checks;
 *   a check in neither is met), findings, good_practice, and PROBLEM_SLOTS
 *   problem slots p<n>_item, p<n>_desc, p<n>_severity, p<n>_fixed (checker),
 *   p<n>_deadline.
 * Version 1 asked one select (and a note) per item and per check: 222+
 * elements, over Feishu's 200 per card (see feishu/conformance.ts); the
 * multi-selects ask the same in a tenth of the elements and fewer taps.
 * A problem slot counts only when its description is filled in; an empty slot
 * is ignored. A form carrying any other field name is an outdated card.
 */
export {
  assignedWindow,
  CHECK_STATES,
  defaultVisitDate,
  EXTRA_REPORT_DAYS,
  extraWindow,
  FORM_VERSION,
  ITEM_STATES,
  MAX_COUNT_CHARS,
  MAX_DEADLINE_DAYS,
  MAX_GOOD_PRACTICE,
  MAX_METHOD_COUNT,
  MAX_PROBLEM_TEXT,
  MAX_TEXT,
  METHODS,
  PROBLEM_ITEMS,
  PROBLEM_SLOTS,
  ROUTINE_ITEMS,
  SEVERITIES,
  splitTopics,
  TOPIC_CHECKS,
  topicChecks,
  VISIT_KINDS,
} from "./report-checklist.ts";
export type { CheckState, ItemState, Method, ProblemItem, RoutineItem, Severity, VisitKind } from "./report-checklist.ts";
export { canonicalContent, keepNotes, kindForReason, readStoredContent, storedContentSchema } from "./report-content.ts";
export type { ProblemInput, ReportContent } from "./report-content.ts";

export type FormError =
  | { code: "outdated"; field: string }
  | { code: "missing"; field: string }
  | { code: "too_long"; field: string; max: number }
  | { code: "bad_value"; field: string }
  /** one item or check chosen in both lists of a pair (problem and not checked) */
  | { code: "both_lists"; field: string; value: string }
  | { code: "date_window"; from: IsoDate; to: IsoDate }
  | { code: "no_method" }
  | { code: "problem_missing"; slot: number; field: "item" | "severity" | "deadline" | "description" }
  | { code: "deadline_window"; slot: number; from: IsoDate; to: IsoDate };

export interface FormRules {
  topic: string | null;
  window: { from: IsoDate; to: IsoDate };
  /** deadlines run from today up to MAX_DEADLINE_DAYS ahead */
  today: IsoDate;
}

/** Every field name a card built for `topic` may send. */
export function formFieldNames(topic: string | null): string[] {
  const names = ["visit_date", "visit_kind", "findings", "good_practice", "items_problem", "items_unchecked"];
  for (const method of METHODS) names.push(`m_${method}`);
  if (topicChecks(topic).length) names.push("tc_not_met", "tc_unchecked");
  for (let n = 1; n <= PROBLEM_SLOTS; n++) names.push(`p${n}_item`, `p${n}_desc`, `p${n}_severity`, `p${n}_fixed`, `p${n}_deadline`);
  return names;
}

const text = (max: number) => z.string().max(max);

/** The longest text each free-text field takes. */
export function maxLength(field: string): number {
  if (field === "good_practice") return MAX_GOOD_PRACTICE;
  if (field.startsWith("m_")) return MAX_COUNT_CHARS;
  if (/^p\d+_desc$/.test(field)) return MAX_PROBLEM_TEXT;
  return MAX_TEXT;
}
/** date_picker sends "2026-12-01 +0800"; a plain date is accepted too */
const pickedDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:\s+[+-]\d{2}:?\d{2})?$/)
  .transform((value) => value.slice(0, 10))
  .refine(isValidDate);
const count = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).normalize("NFKC").trim())
  .pipe(z.union([z.literal("").transform(() => 0), z.string().regex(/^\d{1,2}$/).transform(Number)]));

/** a multi_select_static sends an array of option values */
const choices = (values: readonly string[]) => z.array(z.enum(values as [string, ...string[]])).transform((list) => [...new Set(list)]);

/** Shapes of each field as Feishu sends them (the client's `required` is not trusted; presence is checked separately). */
function fieldSchemas(topic: string | null): Record<string, z.ZodType> {
  const shapes: Record<string, z.ZodType> = {
    visit_date: pickedDate,
    visit_kind: z.enum(VISIT_KINDS),
    findings: text(MAX_TEXT),
    good_practice: text(MAX_GOOD_PRACTICE),
  };
  for (const method of METHODS) shapes[`m_${method}`] = count;
  shapes.items_problem = choices(ROUTINE_ITEMS);
  shapes.items_unchecked = choices(ROUTINE_ITEMS);
  const checks = topicChecks(topic);
  if (checks.length) {
    shapes.tc_not_met = choices(checks);
    shapes.tc_unchecked = choices(checks);
  }
  for (let n = 1; n <= PROBLEM_SLOTS; n++) {
    shapes[`p${n}_item`] = z.enum(PROBLEM_ITEMS);
    shapes[`p${n}_desc`] = text(MAX_PROBLEM_TEXT);
    shapes[`p${n}_severity`] = z.enum(SEVERITIES);
    shapes[`p${n}_fixed`] = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
    shapes[`p${n}_deadline`] = pickedDate;
  }
  return shapes;
}

const isBlank = (value: unknown) =>
  value === undefined || value === null || (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0);

export type FormResult = { ok: true; content: ReportContent } | { ok: false; errors: FormError[] };

/** Validates a submitted form against the card it came from. Errors come in form order; the first is the one to show. */
export function parseReportForm(formValue: Record<string, unknown> | null | undefined, rules: FormRules): FormResult {
  const input = formValue ?? {};
  const known = new Set(formFieldNames(rules.topic));
  const errors: FormError[] = [];
  for (const field of Object.keys(input)) if (!known.has(field)) errors.push({ code: "outdated", field });
  if (errors.length) return { ok: false, errors };

  const shapes = fieldSchemas(rules.topic);
  const values: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(shapes)) {
    const raw = input[field];
    if (isBlank(raw) && typeof raw !== "boolean") continue;
    const parsed = schema.safeParse(typeof raw === "string" ? raw.trim() : raw);
    if (parsed.success) values[field] = parsed.data;
    else if (typeof raw === "string" && !field.startsWith("m_") && raw.trim().length > maxLength(field)) errors.push({ code: "too_long", field, max: maxLength(field) });
    else errors.push({ code: "bad_value", field });
  }

  const required = ["visit_date", "visit_kind"];
  for (const field of required) if (values[field] === undefined && !errors.some((e) => "field" in e && e.field === field)) errors.push({ code: "missing", field });

  const listed = (field: string) => (values[field] as string[] | undefined) ?? [];
  for (const [first, second] of [["items_problem", "items_unchecked"], ["tc_not_met", "tc_unchecked"]] as const) {
    const both = listed(first).find((value) => listed(second).includes(value));
    if (both) errors.push({ code: "both_lists", field: second, value: both });
  }

  const visitDate = values.visit_date as IsoDate | undefined;
  if (visitDate && (visitDate < rules.window.from || visitDate > rules.window.to)) errors.push({ code: "date_window", ...rules.window });

  const methods = Object.fromEntries(METHODS.map((method) => [method, (values[`m_${method}`] as number | undefined) ?? 0])) as Record<Method, number>;
  if (Object.values(methods).every((n) => n === 0) && !errors.some((e) => "field" in e && e.field.startsWith("m_"))) errors.push({ code: "no_method" });

  const problems: ProblemInput[] = [];
  for (let n = 1; n <= PROBLEM_SLOTS; n++) {
    const description = values[`p${n}_desc`] as string | undefined;
    const item = values[`p${n}_item`] as ProblemItem | undefined;
    const severity = values[`p${n}_severity`] as Severity | undefined;
    if (!description) {
      // an empty slot is ignored, but a half-filled one is a mistake worth pointing out
      if (item || severity) errors.push({ code: "problem_missing", slot: n, field: "description" });
      continue;
    }
    if (!item) errors.push({ code: "problem_missing", slot: n, field: "item" });
    if (!severity) errors.push({ code: "problem_missing", slot: n, field: "severity" });
    const fixedOnSpot = values[`p${n}_fixed`] === true;
    const deadline = fixedOnSpot ? null : ((values[`p${n}_deadline`] as IsoDate | undefined) ?? null);
    if (!fixedOnSpot && !deadline) errors.push({ code: "problem_missing", slot: n, field: "deadline" });
    if (deadline) {
      const from = rules.today;
      const to = addDays(rules.today, MAX_DEADLINE_DAYS);
      if (deadline < from || deadline > to) errors.push({ code: "deadline_window", slot: n, from, to });
    }
    if (item && severity) problems.push({ item, description, severity, fixedOnSpot, deadline });
  }

  if (errors.length) return { ok: false, errors };
  const itemState = (item: string): ItemState => (listed("items_problem").includes(item) ? "problem" : listed("items_unchecked").includes(item) ? "not_checked" : "normal");
  const items = Object.fromEntries(ROUTINE_ITEMS.map((item) => [item, { state: itemState(item), note: "" }])) as ReportContent["items"];
  const checkState = (check: string): CheckState => (listed("tc_not_met").includes(check) ? "not_met" : listed("tc_unchecked").includes(check) ? "not_checked" : "met");
  const checks = Object.fromEntries(topicChecks(rules.topic).map((check) => [check, checkState(check)]));
  return {
    ok: true,
    content: {
      visitDate: visitDate!,
      kind: values.visit_kind as VisitKind,
      methods,
      items,
      topic: rules.topic,
      topicChecks: checks,
      findings: (values.findings as string | undefined) ?? "",
      goodPractice: (values.good_practice as string | undefined) ?? "",
      problems,
    },
  };
}
