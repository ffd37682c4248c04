/**
 * CSV files for managers (`export`): UTF-8 with a BOM so Excel opens Chinese
 * text correctly, RFC 4180 quoting, and formula-looking cells defused
 * (a leading ' before = + - @ tab CR), so a school's name cannot run as a
 * formula in someone's spreadsheet.
 */

export const EXPORT_KINDS = ["orders", "reports", "visits"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return "\uFEFF" + [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

const KIND_ALIASES: Record<string, ExportKind> = {
  orders: "orders",
  order: "orders",
  督办单: "orders",
  督导文书: "orders",
  文书: "orders",
  reports: "reports",
  report: "reports",
  报告: "reports",
  督导报告: "reports",
  visits: "visits",
  visit: "visits",
  督导任务: "visits",
  任务: "visits",
  走访: "visits",
  排班: "visits",
};

export function parseExportKind(text: string): ExportKind | null {
  return KIND_ALIASES[text.toLowerCase()] ?? null;
}
