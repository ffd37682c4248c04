import { EXPORT_COLUMNS } from "../usecases/figures-export.ts";
import { rowsToExport } from "../usecases/figures-export.ts";
import { parseExportKind, toCsv, type ExportKind } from "../domain/csv-export.ts";
import { daysBetween, localDate, parseDate } from "../domain/time.ts";
import { textContent } from "../feishu/cards/kit.ts";
import type { Messages } from "../i18n/index.ts";
import { MANAGERS, type Command } from "./types.ts";

/** The file travels through an outbox row first; D1 rows stay well under its 2 MB limit. */
const MAX_CSV_BYTES = 1_500_000;
const MAX_RANGE_DAYS = 366;

function labelled(kind: ExportKind, row: Record<string, unknown>, t: Messages): unknown[] {
  const values = EXPORT_COLUMNS[kind].map((column) => row[column]);
  const at = (column: string) => EXPORT_COLUMNS[kind].indexOf(column);
  if (kind === "orders") {
    values[at("kind")] = t.orders.kinds[row.kind as keyof typeof t.orders.kinds] ?? row.kind;
    values[at("status")] = t.orders.statuses[row.status as keyof typeof t.orders.statuses] ?? row.status;
  } else if (kind === "reports") {
    values[at("kind")] = t.reports.kinds[row.kind as keyof typeof t.reports.kinds] ?? row.kind;
    values[at("on_behalf")] = row.on_behalf ? t.exports.yes : t.exports.no;
  } else if (kind === "feedback") {
    values[at("kind")] = t.schools.nameplate.kinds[row.kind as keyof typeof t.schools.nameplate.kinds] ?? row.kind;
    values[at("status")] = t.schools.nameplate.statuses[row.status as keyof typeof t.schools.nameplate.statuses] ?? row.status;
    values[at("visited")] = row.visited ? t.exports.yes : t.exports.no;
  } else {
    values[at("reason")] = t.planning.reasons[String(row.reason)] ?? row.reason;
    values[at("status")] = t.planning.statuses[String(row.status)] ?? row.status;
  }
  return values;
}

/** `export orders|reports|visits|feedback [from] [to] [csv]` / `导出 …` (managers, direct chat): an .xlsx file message (CSV with `csv`). */
export const exportCsv: Command = {
  name: "export",
  aliases: ["导出"],
  private: true,
  policy: { acts: "office", roles: MANAGERS, reach: "scope" },
  help: (t) => t.exports.line,
  async run(ctx) {
    const t = ctx.t;
    if (ctx.chat.chatType !== "p2p") return ctx.reply(textContent(t.exports.directOnly));
    // Excel by default; a trailing `csv` keeps the CSV file (`xlsx` / `excel` are accepted too).
    const formatWord = (ctx.argv.at(-1) ?? "").toLowerCase();
    const format = formatWord === "csv" ? "csv" : "xlsx";
    const argv = ["csv", "xlsx", "excel"].includes(formatWord) ? ctx.argv.slice(0, -1) : ctx.argv;
    const [kindText = "", fromText, toText, ...extra] = argv;
    const kind = parseExportKind(kindText);
    if (!kind || extra.length) return ctx.reply(textContent(t.exports.usage));
    const tz = ctx.config.TIMEZONE;
    const today = localDate(ctx.nowMs, tz);
    const from = fromText ? parseDate(fromText, ctx.nowMs, tz) : `${today.slice(0, 7)}-01`;
    if (!from) return ctx.reply(textContent(t.exports.badDate(fromText!.slice(0, 30))));
    const to = toText ? parseDate(toText, ctx.nowMs, tz) : today;
    if (!to) return ctx.reply(textContent(t.exports.badDate(toText!.slice(0, 30))));
    if (from > to) return ctx.reply(textContent(t.exports.reversed));
    if (daysBetween(from, to) > MAX_RANGE_DAYS) return ctx.reply(textContent(t.exports.tooLong));

    const kindName = t.exports.kinds[kind];
    const found = await rowsToExport(ctx, ctx.actor, kind, from, to);
    if (!found.ok) return ctx.reply(textContent(found.reason === "empty" ? t.exports.empty(kindName, from, to) : t.exports.tooLarge(found.count)));
    const rows = found.rows;
    if (format === "xlsx") {
      // Loaded here only: no other request evaluates the xlsx library.
      const [{ exportSheet }, { toBase64, writeWorkbook }] = await Promise.all([import("../xlsx/export-workbook.ts"), import("../xlsx/workbook.ts")]);
      const sheet = exportSheet(kind, t.exports.fileNames[kind], EXPORT_COLUMNS[kind], t.exports.headers[kind], rows.map((row) => labelled(kind, row, t)));
      const base64 = toBase64(await writeWorkbook([sheet]));
      if (base64.length > MAX_CSV_BYTES) return ctx.reply(textContent(t.exports.tooLarge(rows.length)));
      ctx.reply(textContent(t.exports.sent(kindName, rows.length, from, to)));
      ctx.replyFile(`export:${ctx.chat.messageId}`, { file_name: `${t.exports.fileNames[kind]}_${from}_${to}.xlsx`, xlsx_base64: base64 });
      return;
    }
    const csv = toCsv(t.exports.headers[kind], rows.map((row) => labelled(kind, row, t)));
    if (new TextEncoder().encode(csv).byteLength > MAX_CSV_BYTES) return ctx.reply(textContent(t.exports.tooLarge(rows.length)));

    ctx.reply(textContent(t.exports.sent(kindName, rows.length, from, to)));
    ctx.replyFile(`export:${ctx.chat.messageId}`, { file_name: `${t.exports.fileNames[kind]}_${from}_${to}.csv`, csv });
  },
};
