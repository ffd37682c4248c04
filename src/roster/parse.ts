import type { Messages } from "../i18n/index.ts";
import { ROLES, SCHOOL_STAGES, type Role } from "../db/schema.ts";
import { checkOfficeTree } from "../domain/offices.ts";
import { readTable, type OfficeRow, type PersonRow, type RosterKind, type RowError, type SchoolRow, type ZoneRow } from "./parse-table.ts";

/**
 * Pure parsing and validation of the roster CSVs (format in ../shared/docs/domain.md).
 * A file with any bad row imports nothing: callers get every row error at once.
 */

export { MAX_FILE_BYTES, MAX_ROWS, ROSTER_ORDER, rosterKindOf } from "./parse-table.ts";
export type { OfficeRow, PersonRow, RosterKind, RowError, SchoolRow, ZoneRow } from "./parse-table.ts";

const LEVELS: Record<string, "city" | "district"> = { city: "city", district: "district", 市级: "city", 区县级: "district", 区级: "district", 县级: "district" };
const ROLE_ALIASES: Record<string, Role> = { 责任督学: "supervisor", 督学: "supervisor", 管理员: "manager", 学校联系人: "school_contact", 系统管理员: "admin" };
const STAGE_ALIASES: Record<string, (typeof SCHOOL_STAGES)[number]> = {
  幼儿园: "kindergarten",
  小学: "primary",
  初中: "junior",
  初级中学: "junior",
  高中: "senior",
  高级中学: "senior",
  九年一贯制: "nine_year",
  十二年一贯制: "twelve_year",
  完全中学: "twelve_year",
  职业学校: "vocational",
  中职: "vocational",
  特殊教育: "special",
  特教: "special",
};
const OWNERSHIP: Record<string, "public" | "private"> = { public: "public", private: "private", 公办: "public", 民办: "private" };

const MOBILE = /^(\+?86)?1\d{10}$/;
/** local@domain.tld without whitespace, in one linear pass (a regular expression with two `+` runs backtracks on a long cell). */
export function isEmail(text: string): boolean {
  if (text.length > 254 || /\s/.test(text)) return false;
  const at = text.indexOf("@");
  if (at < 1 || text.indexOf("@", at + 1) >= 0) return false;
  const dot = text.lastIndexOf(".");
  return dot > at + 1 && dot < text.length - 1;
}
const MAX_TEXT = 200;

/** What the database already holds, for reference checks. */
export interface RosterContext {
  zoneCodes: ReadonlySet<string>;
  supervisorCodes: ReadonlySet<string>;
  /** open_id → person code */
  openIds: ReadonlyMap<string, string>;
  /** office codes (empty: no offices.csv imported) */
  officeCodes?: ReadonlySet<string>;
}

export type ParsedRoster =
  | { kind: "offices"; rows: OfficeRow[]; errors: RowError[] }
  | { kind: "zones"; rows: ZoneRow[]; errors: RowError[] }
  | { kind: "people"; rows: PersonRow[]; errors: RowError[] }
  | { kind: "schools"; rows: SchoolRow[]; errors: RowError[] };

export function parseRoster<K extends RosterKind>(kind: K, text: string, context: RosterContext, t: Messages): Extract<ParsedRoster, { kind: K }>;
export function parseRoster(kind: RosterKind, text: string, context: RosterContext, t: Messages): ParsedRoster {
  const table = readTable(kind, text, t);
  const errors = [...table.errors];
  const seen = new Set<string>();
  const e = t.roster.errors;

  const common = (line: number, cells: Record<string, string>, nameColumn = "name") => {
    const code = cells.code ?? "";
    const name = cells[nameColumn] ?? cells.name ?? "";
    if (!code) errors.push({ line, reason: e.required("code") });
    else if (seen.has(code)) errors.push({ line, reason: e.duplicateCode(code) });
    seen.add(code);
    if (!name) errors.push({ line, reason: e.required("name") });
    for (const [column, value] of Object.entries(cells)) {
      if (value.length > MAX_TEXT) errors.push({ line, reason: e.tooLong(column, MAX_TEXT) });
    }
    return { code, name };
  };

  if (kind === "offices") {
    const rows: OfficeRow[] = [];
    for (const { line, cells } of table.rows) {
      const { code, name } = common(line, cells);
      const shortName = cells.short_name ?? "";
      if (!shortName) errors.push({ line, reason: e.required("short_name") });
      else if ([...shortName].length > 10) errors.push({ line, reason: e.tooLong("short_name", 10) });
      const digestChatId = cells.digest_chat_id || null;
      if (digestChatId && !/^oc_[A-Za-z0-9_-]{1,100}$/.test(digestChatId)) errors.push({ line, reason: e.badChatId(digestChatId) });
      const publicPhone = cells.public_phone || null;
      if (publicPhone && !/^[0-9+\-() ]{3,30}$/.test(publicPhone)) errors.push({ line, reason: e.badPublicPhone(publicPhone) });
      rows.push({ code, name, shortName, parentCode: cells.parent_code || null, district: cells.district ?? "", digestChatId, publicPhone });
    }
    const lineOf = new Map(table.rows.map(({ line, cells }) => [cells.code ?? "", line]));
    for (const problem of checkOfficeTree(rows)) {
      if (problem.kind === "no_top") errors.push({ line: 1, reason: e.officeNoTop });
      else if (problem.kind === "many_tops") errors.push({ line: lineOf.get(problem.codes[1]!) ?? 1, reason: e.officeManyTops(problem.codes.join(t.common.and)) });
      else if (problem.kind === "unknown_parent") errors.push({ line: lineOf.get(problem.code) ?? 1, reason: e.officeUnknownParent(problem.parent) });
      else if (problem.kind === "cycle") errors.push({ line: lineOf.get(problem.code) ?? 1, reason: e.officeCycle });
      else errors.push({ line: lineOf.get(problem.codes[1]!) ?? 1, reason: e.officeDistrictTwice(problem.district) });
    }
    return { kind, rows, errors: errors.sort((a, b) => a.line - b.line) };
  }

  if (kind === "zones") {
    const rows: ZoneRow[] = [];
    for (const { line, cells } of table.rows) {
      const { code, name } = common(line, cells);
      const level = LEVELS[(cells.level ?? "").toLowerCase()] ?? LEVELS[cells.level ?? ""];
      if (!level) errors.push({ line, reason: e.badLevel(cells.level ?? "") });
      const district = cells.district ?? "";
      if (level === "district" && !district) errors.push({ line, reason: e.districtRequired });
      rows.push({ code, name, level: level ?? "city", district: level === "city" ? "" : district, leadCode: cells.lead_code || null });
    }
    return { kind, rows, errors };
  }

  if (kind === "people") {
    const rows: PersonRow[] = [];
    const fileOpenIds = new Map<string, string>();
    for (const { line, cells } of table.rows) {
      const { code, name } = common(line, cells);
      const rawRole = cells.role ?? "";
      const role = (ROLES as readonly string[]).includes(rawRole.toLowerCase()) ? (rawRole.toLowerCase() as Role) : ROLE_ALIASES[rawRole];
      if (!role) errors.push({ line, reason: e.badRole(rawRole) });
      const zoneCode = cells.zone_code || null;
      if (role === "supervisor" && !zoneCode) errors.push({ line, reason: e.zoneRequired });
      if (zoneCode && !context.zoneCodes.has(zoneCode)) errors.push({ line, reason: e.unknownZone(zoneCode) });
      const schoolCode = cells.school_code || null;
      if (role === "school_contact" && !schoolCode) errors.push({ line, reason: e.schoolRequired });
      const mobile = (cells.mobile ?? "").replace(/[\s-]/g, "") || null;
      if (mobile && !MOBILE.test(mobile)) errors.push({ line, reason: e.badMobile(cells.mobile ?? "") });
      const email = cells.email || null;
      if (email && !isEmail(email)) errors.push({ line, reason: e.badEmail(email.slice(0, 60)) });
      const lang = (cells.lang || "zh").toLowerCase();
      if (lang !== "zh" && lang !== "en") errors.push({ line, reason: e.badLang(cells.lang ?? "") });
      const officeCode = cells.office_code || null;
      if (officeCode && !context.officeCodes?.has(officeCode)) errors.push({ line, reason: e.unknownOffice(officeCode) });
      const openId = cells.open_id || null;
      if (openId) {
        const owner = fileOpenIds.get(openId) ?? context.openIds.get(openId);
        if (owner && owner !== code) errors.push({ line, reason: e.duplicateOpenId(openId) });
        fileOpenIds.set(openId, code);
      }
      rows.push({
        code,
        name,
        role: role ?? "supervisor",
        zoneCode,
        schoolCode,
        mobile: mobile ? mobile.replace(/^\+?86(?=1\d{10}$)/, "") : null,
        email,
        openId,
        lang: lang === "en" ? "en" : "zh",
        officeCode: role === "manager" || role === "admin" ? officeCode : null,
      });
    }
    return { kind, rows, errors };
  }

  const rows: SchoolRow[] = [];
  for (const { line, cells } of table.rows) {
    const { code, name } = common(line, cells);
    const zoneCode = cells.zone_code ?? "";
    if (!zoneCode) errors.push({ line, reason: e.required("zone_code") });
    else if (!context.zoneCodes.has(zoneCode)) errors.push({ line, reason: e.unknownZone(zoneCode) });
    const supervisorCode = cells.supervisor_code || null;
    if (supervisorCode && !context.supervisorCodes.has(supervisorCode)) errors.push({ line, reason: e.unknownSupervisor(supervisorCode) });
    const rawStage = cells.stage ?? "";
    const stage = (SCHOOL_STAGES as readonly string[]).includes(rawStage.toLowerCase())
      ? (rawStage.toLowerCase() as SchoolRow["stage"])
      : STAGE_ALIASES[rawStage];
    if (!stage) errors.push({ line, reason: e.badStage(rawStage) });
    const ownership = OWNERSHIP[(cells.ownership ?? "").toLowerCase()] ?? OWNERSHIP[cells.ownership ?? ""];
    if (!ownership) errors.push({ line, reason: e.badOwnership(cells.ownership ?? "") });
    const visitsText = cells.visits_per_month || "1";
    const visitsPerMonth = /^\d+$/.test(visitsText) ? Number(visitsText) : NaN;
    if (!(visitsPerMonth >= 1 && visitsPerMonth <= 8)) errors.push({ line, reason: e.badVisits(visitsText) });
    rows.push({
      code,
      name,
      zoneCode,
      supervisorCode,
      stage: stage ?? "primary",
      ownership: ownership ?? "public",
      address: cells.address ?? "",
      visitsPerMonth: Number.isFinite(visitsPerMonth) ? visitsPerMonth : 1,
    });
  }
  return { kind, rows, errors: errors.sort((a, b) => a.line - b.line) };
}

/** The accepted headers of each roster file (for the Excel template, xlsx/roster-template.ts). */
export { HEADERS as ROSTER_HEADERS } from "./parse-table.ts";
