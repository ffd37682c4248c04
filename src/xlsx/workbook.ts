/**
 * Excel workbooks in and out, through write-excel-file / read-excel-file (both on fflate; see the
 * commit that added them for the choice). The libraries are loaded with `import()` the first time a
 * workbook is written or read, so requests that never touch Excel do not evaluate them.
 *
 * Cells are typed: numbers are numbers, `{ date }` cells are real dates (shown yyyy-mm-dd), and every
 * other value is a string cell — never a formula, so a school name starting with "=" stays text.
 */

export type XlsxCell = string | number | { date: string } | null | undefined;

export interface XlsxColumn {
  header: string;
  /** in characters */
  width: number;
}

export interface XlsxSheet {
  name: string;
  columns: XlsxColumn[];
  rows: XlsxCell[][];
}

export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DATE_FORMAT = "yyyy-mm-dd";
/** Excel's own limits: 31 characters, none of : \ / ? * [ ] */
export function sheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, " ").slice(0, 31) || "Sheet";
}

const isoDate = (text: string) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : null);

function cellOf(value: XlsxCell) {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number") return Number.isFinite(value) ? { value, type: Number } : null;
  if (typeof value === "object") {
    const date = isoDate(value.date);
    return date ? { value: date, type: Date, format: DATE_FORMAT } : null;
  }
  return { value: String(value), type: String };
}

/** Builds an .xlsx file: one sheet per table, a bold header row that stays in view, column widths. */
export async function writeWorkbook(sheets: readonly XlsxSheet[]): Promise<Uint8Array> {
  const { default: writeXlsxFile } = await import("write-excel-file/universal");
  const blob = await writeXlsxFile(
    sheets.map((sheet) => ({
      sheet: sheetName(sheet.name),
      columns: sheet.columns.map((column) => ({ width: column.width })),
      stickyRowsCount: 1,
      data: [
        sheet.columns.map((column) => ({ value: column.header, type: String, fontWeight: "bold" as const })),
        ...sheet.rows.map((row) => row.map(cellOf)),
      ],
    })) as never,
  ).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}

export type ReadCell = string | number | boolean | Date | null;

export interface ReadSheet {
  name: string;
  rows: ReadCell[][];
}

export class UnreadableWorkbook extends Error {}

/** A workbook may unpack to at most this much (a 2 MB roster unpacks to about 20 MB): refuses zip bombs before reading. */
export const MAX_UNPACKED_BYTES = 64 * 1024 * 1024;

/** Reads every sheet of an .xlsx file as rows of cells; a file that is not a workbook throws UnreadableWorkbook. */
export async function readWorkbook(bytes: ArrayBuffer | Uint8Array, maxUnpackedBytes = MAX_UNPACKED_BYTES): Promise<ReadSheet[]> {
  const [{ default: readXlsxFile }, { unzipSync }] = await Promise.all([import("read-excel-file/universal"), import("fflate")]);
  const buffer = bytes instanceof Uint8Array ? (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer) : bytes;
  try {
    // the zip directory's declared sizes, read without unpacking anything
    let unpacked = 0;
    unzipSync(new Uint8Array(buffer), { filter: (file) => ((unpacked += file.originalSize), false) });
    if (unpacked > maxUnpackedBytes) throw new UnreadableWorkbook(`unpacks to ${unpacked} bytes`);
    const sheets = await readXlsxFile(buffer);
    return sheets.map((sheet) => ({ name: sheet.sheet, rows: sheet.data as ReadCell[][] }));
  } catch (error) {
    if (error instanceof UnreadableWorkbook) throw error;
    throw new UnreadableWorkbook(error instanceof Error ? error.message : String(error));
  }
}

/** A read cell as the text a CSV file would hold: dates as YYYY-MM-DD, whole numbers without ".0". */
export function cellText(cell: ReadCell): string {
  if (cell === null || cell === undefined) return "";
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  if (typeof cell === "number") return Number.isInteger(cell) ? String(cell) : String(cell);
  return String(cell);
}

/** base64 of a file, for the outbox row that carries it to the delivery (D1 rows are text). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
