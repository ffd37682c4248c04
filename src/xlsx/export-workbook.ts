import type { ExportKind } from "../domain/csv-export.ts";
import type { XlsxCell, XlsxSheet } from "./workbook.ts";

/** Which columns of each export are dates (real Excel dates) and which are numbers; the rest are text cells. */
const DATE_COLUMNS: Record<ExportKind, readonly string[]> = {
  orders: ["issued_on", "due_date", "closed_on"],
  reports: ["visit_date"],
  visits: [],
  feedback: ["received_on"],
};
const NUMBER_COLUMNS: Record<ExportKind, readonly string[]> = {
  orders: [],
  reports: ["id", "version", "problems", "serious_problems"],
  visits: [],
  feedback: [],
};
const WIDE_COLUMNS = new Set(["text", "findings", "school_name", "zone_name", "note", "reply"]);

/**
 * `export` as a workbook: the CSV's columns and labels, one sheet, typed cells. Text is always a text
 * cell (never a formula), so "=HYPERLINK(…)" in an order's text stays text, as the CSV's guard intends.
 */
export function exportSheet(kind: ExportKind, sheetName: string, columns: readonly string[], headers: readonly string[], rows: readonly (readonly unknown[])[]): XlsxSheet {
  const cellOf = (column: string, value: unknown): XlsxCell => {
    if (value === null || value === undefined || value === "") return null;
    if (DATE_COLUMNS[kind].includes(column) && typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return { date: value };
    if (NUMBER_COLUMNS[kind].includes(column) && Number.isFinite(Number(value))) return Number(value);
    return String(value);
  };
  return {
    name: sheetName,
    columns: headers.map((header, i) => ({ header, width: WIDE_COLUMNS.has(columns[i]!) ? 40 : DATE_COLUMNS[kind].includes(columns[i]!) ? 12 : Math.max(10, header.length * 2 + 2) })),
    rows: rows.map((row) => row.map((value, i) => cellOf(columns[i]!, value))),
  };
}
