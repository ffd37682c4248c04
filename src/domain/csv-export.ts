/**
 * CSV files for managers (`export`): UTF-8 with a BOM so Excel opens Chinese
 * text correctly, RFC 4180 quoting, and formula-looking cells defused
 * (a leading ' before = + - @ tab CR), so a school's name cannot run as a
 * formula in someone's spreadsheet.
 */

export const EXPORT_KINDS = ["orders", "reports", "visits", "feedback"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/**
 * A cell that starts a formula, also behind leading spaces or separators: Excel in locales whose list
 * separator is `;` splits an unquoted `;=HYPERLINK(…)` into an empty cell and a formula.
 */
const FORMULA_START = /^[\s,;\u3000]*[=+\-@]|^[\t\r]/;
/** Quoted: the separators of either convention (`,` and `;`), quotes and line breaks. */
const NEEDS_QUOTES = /[",;\r\n]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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
  feedback: "feedback",
  反馈: "feedback",
  公众反馈: "feedback",
};

export function parseExportKind(text: string): ExportKind | null {
  return KIND_ALIASES[text.toLowerCase()] ?? null;
}
