/**
 * The visit report's checklist (domain.md "Visits"): the form's limits, the routine items, methods, kinds,
 * states and severities, the special topics' checks, and the dates a report may carry. Pure: "today" is an
 * argument. The form's fields and their validation are in report-form.ts.
 */
import { TOPIC_SEPARATOR } from "./planner.ts";
import { addDays, weekStart, type IsoDate, type IsoWeek } from "./time.ts";

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
