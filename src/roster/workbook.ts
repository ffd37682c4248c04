import Papa from "papaparse";
import { cellText, readWorkbook } from "../xlsx/workbook.ts";
import { ROSTER_ORDER, rosterKindOf, type RosterKind } from "./parse.ts";

/**
 * An Excel roster turned into the roster files the CSV parser takes: each sheet becomes the text of
 * the CSV file it stands for, row for row (so the parser's line numbers are the sheet's row
 * numbers), and goes through the same validation. A sheet is recognised by its name, mapped to a
 * file name (`人员` → people.csv) that the parser's own rosterKindOf() then recognises, so a file
 * kind the parser learns (offices.csv) needs only its sheet names here.
 */
const SHEET_FILES: Record<string, string> = {
  offices: "offices.csv",
  督导室: "offices.csv",
  教育督导室: "offices.csv",
  zones: "zones.csv",
  责任区: "zones.csv",
  people: "people.csv",
  人员: "people.csv",
  schools: "schools.csv",
  学校: "schools.csv",
};

export interface RosterSheet {
  /** the sheet's name as the workbook has it */
  sheet: string;
  /** the roster file it stands for, e.g. people.csv */
  fileName: string;
  kind: RosterKind;
  /** the sheet as CSV text, one record per sheet row */
  text: string;
}

export const isWorkbookFile = (fileName: string) => /\.xlsx$/i.test(fileName);

function fileNameOfSheet(sheet: string): string | null {
  const name = sheet.trim().toLowerCase().replace(/\.csv$/, "");
  return SHEET_FILES[name] ?? SHEET_FILES[sheet.trim()] ?? null;
}

/**
 * The roster sheets of a workbook, in import order; `skipped` lists the other sheets. A workbook
 * none of whose sheets is named like a roster file stands for the file its own name says
 * (zones.xlsx, 人员.xlsx): its first sheet is that file.
 */
export async function rosterSheets(bytes: ArrayBuffer | Uint8Array, workbookName: string): Promise<{ sheets: RosterSheet[]; skipped: string[]; all: string[] }> {
  const book = await readWorkbook(bytes);
  const sheets: RosterSheet[] = [];
  const skipped: string[] = [];
  const toCsv = (rows: unknown[][]) => Papa.unparse(rows.map((row) => row.map((cell) => cellText(cell as never))), { quotes: true, newline: "\r\n" });
  for (const sheet of book) {
    const fileName = fileNameOfSheet(sheet.name);
    const kind = fileName ? rosterKindOf(fileName) : null;
    if (fileName && kind) sheets.push({ sheet: sheet.name, fileName, kind, text: toCsv(sheet.rows) });
    else skipped.push(sheet.name);
  }
  if (sheets.length === 0 && book.length > 0) {
    const fileName = workbookName.replace(/\.xlsx$/i, ".csv");
    const kind = rosterKindOf(fileName);
    if (kind) return { sheets: [{ sheet: book[0]!.name, fileName: `${kind}.csv`, kind, text: toCsv(book[0]!.rows) }], skipped: book.slice(1).map((s) => s.name), all: book.map((s) => s.name) };
  }
  sheets.sort((a, b) => ROSTER_ORDER.indexOf(a.kind) - ROSTER_ORDER.indexOf(b.kind));
  return { sheets, skipped, all: book.map((s) => s.name) };
}
