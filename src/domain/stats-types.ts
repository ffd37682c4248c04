/** The figures' shapes: the rows db/stats.ts returns, the scope, and the figures buildStats (stats.ts) returns. */
import type { Summary, ZoneLevel, ZoneRow } from "./digest.ts";
import type { OrderKind } from "./orders.ts";
import type { StatsPeriod } from "./stats-period.ts";

// ---------------------------------------------------------------- input rows (as db/stats.ts returns them)

export interface StatsVisitRow {
  zone: string;
  planned: number;
  reported: number;
  missed: number;
  pending: number;
  carried: number;
  onTime: number;
}

export interface StatsReportRow {
  zone: string;
  kind: string;
  n: number;
  unplanned: number;
}

export interface StatsCoverageRow {
  zone: string;
  schools: number;
  covered: number;
}

export interface StatsSupervisorRow {
  code: string;
  name: string;
  zone: string;
  planned: number;
  reported: number;
  missed: number;
  onTime: number;
}

export interface StatsProblemRow {
  zone: string;
  item: string;
  topic: string | null;
  severity: "minor" | "general" | "serious";
  n: number;
  fixedOnSpot: number;
  rectified: number;
  rectifiedOnTime: number;
  open: number;
  overdue: number;
}

export interface StatsOrderRow {
  zone: string;
  kind: OrderKind;
  issued: number;
  acknowledged: number;
  closed: number;
  closedOnTime: number;
  extended: number;
  open: number;
  overdue: number;
  escalated: number;
}

export interface StatsData {
  period: StatsPeriod;
  zones: ZoneRow[];
  visits: StatsVisitRow[];
  reports: StatsReportRow[];
  coverage: StatsCoverageRow[];
  supervisors: StatsSupervisorRow[];
  problems: StatsProblemRow[];
  orders: StatsOrderRow[];
}

// ---------------------------------------------------------------- scope

/**
 * Whose figures: everything, or a set of zones (one zone, or — once offices exist — an office's zones
 * and those of the offices below it). Decided once, by the command (commands/stats.ts `statsScope`).
 */
export type StatsScope = { kind: "all" } | { kind: "zones"; codes: readonly string[]; label: string };

// ---------------------------------------------------------------- output

export interface VisitFigures {
  planned: number;
  reported: number;
  missed: number;
  pending: number;
  carried: number;
  onTime: number;
}

export interface ZoneFigures extends VisitFigures {
  code: string;
  name: string;
  level: ZoneLevel;
  rate: number | null;
  schools: number;
  covered: number;
  coverageRate: number | null;
}

export interface SupervisorFigures extends StatsSupervisorRow {
  rate: number | null;
}

export interface ProblemFigures {
  total: number;
  minor: number;
  general: number;
  serious: number;
  fixedOnSpot: number;
  rectified: number;
  rectifiedOnTime: number;
  open: number;
  overdue: number;
}

export interface ItemFigures extends ProblemFigures {
  item: string;
  topic: string | null;
}

export type DocumentKind = OrderKind;
export const DOCUMENT_KINDS: readonly DocumentKind[] = ["notice", "bulletin", "order", "rectification", "rectification_item"];

export interface DocumentFigures {
  issued: number;
  acknowledged: number;
  closed: number;
  closedOnTime: number;
  extended: number;
  open: number;
  overdue: number;
  escalated: number;
}

export interface Stats {
  period: StatsPeriod;
  scope: StatsScope;
  visits: VisitFigures;
  rate: number | null;
  onTimeRate: number | null;
  byLevel: Record<ZoneLevel, VisitFigures>;
  /** reports of the period's weeks by kind (routine, follow_up, special_topic, complaint), planned or not */
  reportsByKind: { kind: string; n: number }[];
  reports: number;
  unplannedReports: number;
  schools: number;
  coveredSchools: number;
  coverageRate: number | null;
  /** every zone with schools or visits, by code */
  zones: ZoneFigures[];
  /** every supervisor with planned visits, lowest completion first */
  supervisors: SupervisorFigures[];
  /** the card's short list: lowest completion first */
  lowestSupervisors: Summary<SupervisorFigures>;
  problems: ProblemFigures;
  /** by item (routine items in checklist order, then the rest), with severities */
  byItem: ItemFigures[];
  /** item × severity rows for the workbook */
  byItemAndSeverity: (ItemFigures & { severity: "minor" | "general" | "serious" })[];
  documents: DocumentFigures;
  documentsByKind: (DocumentFigures & { kind: DocumentKind })[];
  /** chart: completion by zone (few zones) or by zone level */
  chart: { label: string; level: ZoneLevel | null; reported: number; missed: number; pending: number }[];
  chartByLevel: boolean;
  empty: boolean;
}
