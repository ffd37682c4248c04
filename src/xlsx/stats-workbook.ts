import { completionRate } from "../domain/digest.ts";
import type { Stats } from "../domain/stats.ts";
import { itemLabel } from "../feishu/cards/stats-card.ts";
import type { Messages } from "../i18n/index.ts";
import type { XlsxCell, XlsxSheet } from "./workbook.ts";

/** Column widths in characters: wide for names, narrow for numbers. */
const widths = (headers: readonly string[], wide: readonly number[]) => headers.map((header, i) => ({ header, width: wide.includes(i) ? 28 : Math.max(10, header.length * 2 + 2) }));

/** The `stats … export` workbook: the card's figures, one sheet per table, every row, numbers as numbers. */
export function statsSheets(t: Messages, stats: Stats): XlsxSheet[] {
  const s = t.stats;
  const h = s.headers;
  const v = stats.visits;
  const zones: XlsxCell[][] = stats.zones.map((z) => [z.code, z.name, t.common.zoneLevels[z.level], z.planned, z.reported, z.onTime, z.missed, z.pending, z.carried, z.rate, z.schools, z.covered, z.coverageRate]);
  zones.push([s.totalRow, "", "", v.planned, v.reported, v.onTime, v.missed, v.pending, v.carried, stats.rate, stats.schools, stats.coveredSchools, stats.coverageRate]);

  const problems: XlsxCell[][] = stats.byItemAndSeverity.map((row) => [
    itemLabel(t, row.item, null),
    row.topic,
    s.severities[row.severity],
    row.total,
    row.fixedOnSpot,
    row.rectified,
    row.rectifiedOnTime,
    row.open,
    row.overdue,
  ]);
  const p = stats.problems;
  problems.push([s.totalRow, "", "", p.total, p.fixedOnSpot, p.rectified, p.rectifiedOnTime, p.open, p.overdue]);

  const documents: XlsxCell[][] = stats.documentsByKind.map((row) => [t.orders.kinds[row.kind], row.issued, row.acknowledged, row.closed, row.closedOnTime, row.extended, row.open, row.overdue, row.escalated]);
  const d = stats.documents;
  documents.push([s.totalRow, d.issued, d.acknowledged, d.closed, d.closedOnTime, d.extended, d.open, d.overdue, d.escalated]);

  const supervisors: XlsxCell[][] = [...stats.supervisors]
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((row) => [row.code, row.name, row.zone, row.planned, row.reported, row.onTime, row.missed, completionRate(row)]);

  return [
    { name: s.sheets.zones, columns: widths(h.zones, [1]), rows: zones },
    { name: s.sheets.problems, columns: widths(h.problems, [0, 1]), rows: problems },
    { name: s.sheets.documents, columns: widths(h.documents, [0]), rows: documents },
    { name: s.sheets.supervisors, columns: widths(h.supervisors, [1]), rows: supervisors },
  ];
}
