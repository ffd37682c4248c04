import { z } from "zod";
import { TOPIC_SEPARATOR } from "./planner.ts";
import { addDays, isValidDate, weekStart, type IsoDate, type IsoWeek } from "./time.ts";

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

export const FORM_VERSION = 2;
/** each is the card input's max_length too (Feishu allows 1–1,000: 输入框) */
export const MAX_TEXT = 1_000;
export const MAX_PROBLEM_TEXT = 500;
export const MAX_GOOD_PRACTICE = 500;
export const MAX_METHOD_COUNT = 99;
/** a method's count has at most two digits */
export const MAX_COUNT_CHARS = 2;
export const PROBLEM_SLOTS = 3;
/** the longest a rectification deadline may lie after today */
export const MAX_DEADLINE_DAYS = 366;
/** a visit outside the plan (补报) may be reported up to this many days later */
export const EXTRA_REPORT_DAYS = 14;

export const ROUTINE_ITEMS = ["administration", "enrolment", "curriculum", "workload", "ethics", "safety", "hygiene", "culture"] as const;
export type RoutineItem = (typeof ROUTINE_ITEMS)[number];

export const METHODS = ["class_observation", "document_review", "meetings", "interviews", "questionnaires", "walkthrough"] as const;
export type Method = (typeof METHODS)[number];

export const VISIT_KINDS = ["routine", "follow_up", "special_topic", "complaint"] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];

export const ITEM_STATES = ["normal", "problem", "not_checked"] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export const CHECK_STATES = ["met", "not_met", "not_checked"] as const;
export type CheckState = (typeof CHECK_STATES)[number];

export const SEVERITIES = ["minor", "general", "serious"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** what a problem is about: a routine item, the week's special topic, or something else */
export const PROBLEM_ITEMS = [...ROUTINE_ITEMS, "topic", "other"] as const;
export type ProblemItem = (typeof PROBLEM_ITEMS)[number];

/**
 * Special topics by the Chinese name the office configures (settings
 * `special_topics`), with their concrete checks from domain.md. A topic
 * without concrete checks in the rules, or one the office named itself, gets
 * one overall check.
 */
export const TOPIC_CHECKS: Record<string, readonly string[]> = {
  校园安全: ["security_guards", "enclosed_campus", "alarm", "video"],
  五项管理: ["phones", "sleep", "reading", "homework", "physical"],
  双减: ["homework_time", "tutoring"],
  心理健康: ["overall"],
  思政课: ["overall"],
};

/** The checks of a visit's topic; a month with several topics (joined by TOPIC_SEPARATOR) asks the checks of each, once. */
export function topicChecks(topic: string | null | undefined): readonly string[] {
  if (!topic) return [];
  const checks = splitTopics(topic).flatMap((name) => TOPIC_CHECKS[name] ?? ["overall"]);
  return [...new Set(checks.length ? checks : ["overall"])];
}

/** The single topics of a visit's topic (see planner.ts topicOfMonth). */
export function splitTopics(topic: string): string[] {
  return topic
    .split(TOPIC_SEPARATOR)
    .map((name) => name.trim())
    .filter(Boolean);
}

/** The dates a visit of `week` may carry: the week ± 7 days, never after today. */
export function assignedWindow(week: IsoWeek, today: IsoDate): { from: IsoDate; to: IsoDate } {
  const monday = weekStart(week);
  const to = addDays(monday, 13);
  return { from: addDays(monday, -7), to: to < today ? to : today };
}

/** The dates of a visit outside the plan: the last EXTRA_REPORT_DAYS days up to today. */
export function extraWindow(today: IsoDate): { from: IsoDate; to: IsoDate } {
  return { from: addDays(today, -EXTRA_REPORT_DAYS), to: today };
}

/** The date the form proposes: today when inside the window, else the window's nearest end. */
export function defaultVisitDate(window: { from: IsoDate; to: IsoDate }, today: IsoDate): IsoDate {
  if (today < window.from) return window.from;
  if (today > window.to) return window.to;
  return today;
}

export interface ProblemInput {
  item: ProblemItem;
  description: string;
  severity: Severity;
  fixedOnSpot: boolean;
  deadline: IsoDate | null;
}

/** The content of one report version (stored as `reports.data` / `report_versions.data`). */
export interface ReportContent {
  visitDate: IsoDate;
  kind: VisitKind;
  methods: Record<Method, number>;
  items: Record<RoutineItem, { state: ItemState; note: string }>;
  topic: string | null;
  topicChecks: Record<string, CheckState>;
  findings: string;
  goodPractice: string;
  problems: ProblemInput[];
}

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

/**
 * Notes per item were asked by form version 1 only: an edit keeps the note of
 * an item whose state did not change, so editing an older report loses nothing.
 */
export function keepNotes(content: ReportContent, previous: ReportContent): ReportContent {
  const items = Object.fromEntries(
    Object.entries(content.items).map(([item, answer]) => {
      const before = previous.items[item as RoutineItem];
      return [item, before?.note && before.state === answer.state && !answer.note ? { ...answer, note: before.note } : answer];
    }),
  ) as ReportContent["items"];
  return { ...content, items };
}

/** A canonical string of a report's content: equal strings mean the same answers (double clicks, resent forms). */
export function canonicalContent(content: ReportContent): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.keys(value as Record<string, unknown>)
          .sort()
          .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
      );
    }
    return value;
  };
  return JSON.stringify(sortKeys(content));
}

/** The visit kind the form proposes for an assignment's reason. */
export function kindForReason(reason: string | null | undefined): VisitKind {
  if (reason === "follow_up") return "follow_up";
  if (reason === "special_topic") return "special_topic";
  return "routine";
}

/** Parses stored report data back (older rows may miss fields: defaults fill them). */
export const storedContentSchema = z.object({
  visitDate: z.string(),
  kind: z.enum(VISIT_KINDS),
  methods: z.record(z.string(), z.number()).default({}),
  items: z.record(z.string(), z.object({ state: z.enum(ITEM_STATES), note: z.string().default("") })).default({}),
  topic: z.string().nullable().default(null),
  topicChecks: z.record(z.string(), z.enum(CHECK_STATES)).default({}),
  findings: z.string().default(""),
  goodPractice: z.string().default(""),
  problems: z
    .array(z.object({ item: z.string(), description: z.string(), severity: z.enum(SEVERITIES), fixedOnSpot: z.boolean(), deadline: z.string().nullable() }))
    .default([]),
});

export function readStoredContent(data: string): ReportContent | null {
  try {
    const parsed = storedContentSchema.safeParse(JSON.parse(data));
    return parsed.success ? (parsed.data as unknown as ReportContent) : null;
  } catch {
    return null;
  }
}
