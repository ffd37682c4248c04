/** The weekly digest's shapes: the rows db/digest.ts returns and the numbers buildDigest (digest.ts) returns. */
import type { CalendarPeriod } from "./calendar.ts";
import type { OrderStatus } from "./orders.ts";
import type { IsoDate, IsoWeek } from "./time.ts";
import type { DigestWindow } from "./digest-window.ts";

// ---------------------------------------------------------------- input rows (as db/digest.ts returns them)

export type ZoneLevel = "city" | "district";

export interface ZoneRow {
  code: string;
  name: string;
  level: ZoneLevel;
  /** district-level zones: the district (which office runs it, domain/offices.ts) */
  district?: string;
  leadCode: string | null;
  leadOpenId: string | null;
  leadLang: "zh" | "en" | null;
}

export interface VisitRow {
  zone: string;
  planned: number;
  reported: number;
  missed: number;
  carried: number;
}

export interface ProblemRow {
  zone: string;
  item: string;
  topic: string | null;
  severity: "minor" | "general" | "serious";
  n: number;
}

export interface SeriousRow {
  zone: string;
  problemId: number;
  schoolCode: string;
  schoolName: string;
  item: string;
  topic: string | null;
  description: string;
  /** photos of its visit report and of its rectification item */
  photos?: number;
}

/** Orders bucketed by zone, status at the week's end and due date, with how many were issued / closed in the week. */
export interface OrderRow {
  zone: string;
  status: OrderStatus;
  dueDate: IsoDate;
  n: number;
  issued: number;
  closed: number;
}

export interface EscalationRow {
  zone: string;
  number: string;
  schoolCode: string;
  schoolName: string;
  dueDate: IsoDate;
  status: OrderStatus;
}

export interface UnvisitedRow {
  zone: string;
  code: string;
  name: string;
  /** how many schools of this zone have no visit (the same on every row of the zone) */
  total: number;
}

export interface MissRow {
  code: string;
  name: string;
  zone: string;
  missed: number;
}

export interface DigestData {
  window: DigestWindow;
  zones: ZoneRow[];
  visits: VisitRow[];
  problems: ProblemRow[];
  serious: SeriousRow[];
  orders: OrderRow[];
  escalations: EscalationRow[];
  unvisited: UnvisitedRow[];
  misses: MissRow[];
  calendar: CalendarPeriod[];
  /** public feedback received in the week, by zone (挂牌督导公示); absent where a caller has none */
  feedback?: FeedbackRow[];
}

export interface FeedbackRow {
  zone: string;
  received: number;
  replied: number;
  visited: number;
}

// ---------------------------------------------------------------- output

export interface VisitCounts {
  planned: number;
  reported: number;
  missed: number;
  carried: number;
}

export interface Summary<T> {
  total: number;
  shown: T[];
  /** total − shown.length: the "and M more" */
  more: number;
}

export function summarise<T>(items: readonly T[], n: number, total = items.length): Summary<T> {
  const shown = items.slice(0, Math.max(0, n));
  return { total, shown, more: Math.max(0, total - shown.length) };
}

/** Whole percent of planned visits reported (null when nothing was planned). */
export function completionRate(counts: Pick<VisitCounts, "planned" | "reported">): number | null {
  return counts.planned > 0 ? Math.round((counts.reported / counts.planned) * 100) : null;
}

export interface ZoneLine extends VisitCounts {
  code: string;
  name: string;
  level: ZoneLevel;
  rate: number | null;
}

export interface OrderNumbers {
  issued: number;
  closed: number;
  open: number;
  overdue: number;
  escalation: number;
}

export interface EscalationLine extends EscalationRow {
  days: number;
}

/** The whole deployment, one office's zones (`zones`, titled with `officeName`), or one zone. */
export type DigestScope = { kind: "office"; zones?: ReadonlySet<string>; officeName?: string } | { kind: "zone"; code: string };

/** One row per district office on the top office's card, so the city sees which districts lag. */
export interface OfficeLine {
  code: string;
  name: string;
  planned: number;
  reported: number;
  rate: number | null;
  problems: number;
  overdue: number;
}

export interface Digest {
  week: IsoWeek;
  window: DigestWindow;
  scope: DigestScope;
  zoneName: string | null;
  visits: VisitCounts;
  rate: number | null;
  byLevel: Record<ZoneLevel, VisitCounts>;
  /** zones with anything planned or carried over, worst first (most missed, then lowest rate, then code) */
  zones: Summary<ZoneLine>;
  /** bars of the completion chart: one per zone (few zones) or per zone level */
  chart: { label: string; level: ZoneLevel | null; counts: VisitCounts }[];
  chartByLevel: boolean;
  problems: { total: number; serious: number; general: number; minor: number };
  seriousList: Summary<SeriousRow>;
  /** routine items with problems, in checklist order; other items (topic / other) follow */
  byItem: { item: string; n: number }[];
  byTopic: { topic: string; n: number }[];
  orders: OrderNumbers;
  escalations: Summary<EscalationLine>;
  /** false in a month with no school days so far (then nothing is listed) */
  monthHasSchoolDays: boolean;
  unvisited: Summary<{ code: string; name: string; zone: string }>;
  misses: Summary<MissRow>;
  /** nothing planned, carried, found or issued, and no open orders */
  empty: boolean;
  /** the top office's digest: one line per district office (else empty) */
  offices: OfficeLine[];
  /** the week's public feedback in scope: received, replied to so far, checked with a visit */
  feedback: { received: number; replied: number; visited: number };
}

// ---------------------------------------------------------------- personal lines

export interface PersonRow {
  code: string;
  name: string;
  openId: string;
  lang: "zh" | "en";
  done: number;
  missed: number;
  waiting: number;
}

/** Only people with something to hear about get a line. */
export const wantsPersonalLine = (row: Pick<PersonRow, "done" | "missed" | "waiting">) => row.done + row.missed + row.waiting > 0;
