import type { Lang } from "../i18n/index.ts";
import { messages } from "../i18n/index.ts";
import { ROSTER_HEADERS, ROSTER_ORDER } from "../roster/parse.ts";
import type { XlsxSheet } from "./workbook.ts";

/** One example row per roster file, by column; together they import (a zone, its supervisor, a school). */
const EXAMPLES: Record<string, Record<string, string | number>> = {
  offices: { code: "O01", name: "日照市教育督导室", short_name: "日照", parent_code: "", district: "", digest_chat_id: "" },
  zones: { code: "Z01", name: "市第一责任区", level: "市级", district: "", lead_code: "S001" },
  people: { code: "S001", name: "王建国", role: "责任督学", zone_code: "Z01", school_code: "", mobile: "13800000001", email: "", open_id: "", lang: "zh" },
  schools: { code: "SCH001", name: "日照市实验小学", zone_code: "Z01", supervisor_code: "S001", stage: "小学", ownership: "公办", address: "日照市东港区海曲中路1号", visits_per_month: 1 },
};
const EXAMPLES_EN: Record<string, Record<string, string | number>> = {
  zones: { level: "city" },
  people: { role: "supervisor" },
  schools: { stage: "primary", ownership: "public" },
};

/**
 * The roster template workbook: a sheet per roster file the parser knows (named 责任区 / 人员 / 学校 in
 * Chinese, zones / people / schools in English), the parser's own headers (Chinese aliases for a
 * Chinese reader) and one example row. Mobiles and codes are text cells, so Excel keeps them as typed.
 */
export function rosterTemplateSheets(lang: Lang): XlsxSheet[] {
  const t = messages(lang);
  const sheets: XlsxSheet[] = [];
  for (const kind of ROSTER_ORDER) {
    const headers = (ROSTER_HEADERS as Record<string, Record<string, string[]>>)[kind];
    const example = EXAMPLES[kind];
    if (!headers || !example) continue;
    const columns = Object.entries(headers).map(([column, aliases]) => ({ column, header: lang === "zh" && aliases[0] ? aliases[0] : column }));
    const values = { ...example, ...(lang === "en" ? EXAMPLES_EN[kind] : {}) };
    sheets.push({
      name: t.excel.sheetNames[kind] ?? kind,
      columns: columns.map(({ column, header }) => ({ header, width: column === "name" || column === "address" ? 28 : Math.max(12, header.length * 2 + 2) })),
      rows: [columns.map(({ column }) => (column === "visits_per_month" ? Number(values[column] ?? 1) : String(values[column] ?? "")))],
    });
  }
  return sheets;
}
