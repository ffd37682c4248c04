/**
 * The roster CSVs as tables: the four kinds and their row shapes, the accepted column headers, the file's kind
 * by its name, and reading a CSV into trimmed cells by column (parse.ts validates the rows). Pure.
 */
import Papa from "papaparse";
import type { Messages } from "../i18n/index.ts";
import type { Role, SCHOOL_STAGES } from "../db/schema.ts";

export type RosterKind = "offices" | "zones" | "people" | "schools";
export const ROSTER_ORDER: readonly RosterKind[] = ["offices", "zones", "people", "schools"];
export const MAX_ROWS = 20_000;
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface OfficeRow {
  code: string;
  name: string;
  shortName: string;
  parentCode: string | null;
  district: string;
  digestChatId: string | null;
  /** 监督电话: shown on the public page of the office's schools */
  publicPhone: string | null;
}

export interface ZoneRow {
  code: string;
  name: string;
  level: "city" | "district";
  district: string;
  leadCode: string | null;
}

export interface PersonRow {
  code: string;
  name: string;
  role: Role;
  zoneCode: string | null;
  schoolCode: string | null;
  mobile: string | null;
  email: string | null;
  openId: string | null;
  lang: "zh" | "en";
  officeCode: string | null;
}

export interface SchoolRow {
  code: string;
  name: string;
  zoneCode: string;
  supervisorCode: string | null;
  stage: (typeof SCHOOL_STAGES)[number];
  ownership: "public" | "private";
  address: string;
  visitsPerMonth: number;
}

export interface RowError {
  line: number;
  reason: string;
}

/** Column → accepted header spellings (English first, then the Chinese aliases). */
export const HEADERS: Record<RosterKind, Record<string, string[]>> = {
  offices: { code: ["编号"], name: ["名称"], short_name: ["简称"], parent_code: ["上级编号"], district: ["区县"], digest_chat_id: ["周报群"], public_phone: ["监督电话"] },
  zones: { code: ["编号"], name: ["名称"], level: ["级别"], district: ["区县"], lead_code: ["组长编号"] },
  people: {
    code: ["编号"],
    name: ["姓名"],
    role: ["角色"],
    zone_code: ["责任区编号"],
    school_code: ["学校编号"],
    mobile: ["手机", "手机号"],
    email: ["邮箱"],
    open_id: [],
    lang: ["语言"],
    office_code: ["所属督导室", "督导室编号"],
  },
  schools: {
    code: ["编号"],
    name: ["学校名称", "名称"],
    zone_code: ["责任区编号"],
    supervisor_code: ["挂牌督学编号", "督学编号"],
    stage: ["学段"],
    ownership: ["办学性质"],
    address: ["地址"],
    visits_per_month: ["每月督导次数"],
  },
};

const REQUIRED_COLUMNS: Record<RosterKind, string[]> = {
  offices: ["code", "name", "short_name"],
  zones: ["code", "name", "level"],
  people: ["code", "name", "role"],
  schools: ["code", "name", "zone_code", "stage", "ownership"],
};
/** Recognises a roster file by its name: offices.csv / 督导室.csv, zones.csv / 责任区.csv, people.csv / 人员.csv, schools.csv / 学校.csv. */
export function rosterKindOf(fileName: string): RosterKind | null {
  const name = fileName.toLowerCase();
  if (!name.endsWith(".csv")) return null;
  if (/office|督导室/.test(name)) return "offices";
  if (/zone|责任区/.test(name)) return "zones";
  if (/people|person|人员|名单/.test(name)) return "people";
  if (/school|学校/.test(name)) return "schools";
  return null;
}

export interface RawTable {
  rows: { line: number; cells: Record<string, string> }[];
  errors: RowError[];
}

export function readTable(kind: RosterKind, text: string, t: Messages): RawTable {
  const content = text.replace(/^\uFEFF/, "");
  const parsed = Papa.parse<string[]>(content, { skipEmptyLines: false });
  const data = parsed.data;
  const errors: RowError[] = parsed.errors
    .filter((e) => e.code !== "UndetectableDelimiter")
    .map((e) => ({ line: (e.row ?? 0) + 1, reason: t.roster.errors.badCsv(e.message) }));
  const header = data[0];
  if (!header || header.every((cell) => !cell.trim())) return { rows: [], errors: [{ line: 1, reason: t.roster.errors.emptyFile }] };

  const columnIndex = new Map<string, number>();
  header.forEach((cell, index) => {
    const label = cell.trim().toLowerCase();
    for (const [column, aliases] of Object.entries(HEADERS[kind])) {
      if (label === column || aliases.includes(cell.trim())) columnIndex.set(column, index);
    }
  });
  for (const column of REQUIRED_COLUMNS[kind]) {
    if (!columnIndex.has(column)) errors.push({ line: 1, reason: t.roster.errors.missingColumn(column) });
  }
  if (data.length - 1 > MAX_ROWS) errors.push({ line: MAX_ROWS + 2, reason: t.roster.errors.tooManyRows(MAX_ROWS) });
  if (errors.length) return { rows: [], errors };

  const rows: RawTable["rows"] = [];
  data.slice(1).forEach((cells, index) => {
    if (cells.every((cell) => !cell.trim())) return;
    const record: Record<string, string> = {};
    for (const [column, at] of columnIndex) record[column] = (cells[at] ?? "").trim();
    rows.push({ line: index + 2, cells: record });
  });
  return { rows, errors };
}
