import type { excel as zh } from "../zh/excel.ts";

export const excel: typeof zh = {
  sheetLabel: (book, sheet) => `${book} sheet "${sheet}"`,
  sheetRowError: (book, sheet, row, reason) => `${book} sheet "${sheet}" row ${row}: ${reason}`,
  rejected: (book, count) => `❌ ${book} has ${count} errors; no sheet was imported. Please fix them and send it again:`,
  unreadable: (book) => `Cannot read "${book}": it is not a valid Excel (.xlsx) file.`,
  noRosterSheet: (book, sheets) =>
    `"${book}" has no roster sheet (${sheets}). Name the sheets zones / people / schools (or 责任区 / 人员 / 学校), or name the file zones.xlsx etc.`,
  skippedSheets: (sheets) => `Sheets not recognised and skipped: ${sheets}`,
  templateLine: "`roster template` / `名册模板` — the roster as an Excel template (a sheet per table, headers and an example row)",
  templateSent: "The roster template follows: one sheet per table (zones, people, schools), row 2 is an example; fill it in and send it back to import it.",
  templateFileName: "roster-template.xlsx",
  templateDirectOnly: 'Please ask for the "roster template" in a direct chat with the bot.',
  templateUsage: "Usage: roster template (or 名册模板).",
  sheetNames: { offices: "offices", zones: "zones", people: "people", schools: "schools" },
};
