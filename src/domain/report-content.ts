/** The content of a visit report as stored (`reports.data`), and what is done with it after the form: compare, keep notes, read back. */
import { z } from "zod";
import { CHECK_STATES, ITEM_STATES, SEVERITIES, VISIT_KINDS } from "./report-checklist.ts";
import type { CheckState, ItemState, Method, ProblemItem, RoutineItem, Severity, VisitKind } from "./report-checklist.ts";
import type { IsoDate } from "./time.ts";

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
