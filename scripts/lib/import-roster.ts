import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { messages, type Lang, type Messages } from "../../src/i18n/index.ts";
import { parseRosterFiles } from "../../src/roster/batch.ts";
import { ROSTER_ORDER, type RosterKind } from "../../src/roster/parse.ts";
import { CONTEXT_QUERIES, diffRoster, EXISTING_QUERIES, rosterUpserts } from "../../src/roster/store.ts";
import { isWorkbookFile, rosterSheets } from "../../src/roster/workbook.ts";
import { d1ExecuteFile, d1Query, sqlString, type D1Target } from "./wrangler-d1.ts";

/** Remote D1 takes at most 100 KB per statement: keep each bulk upsert's JSON well below. */
const MAX_STATEMENT_JSON = 80_000;

export interface ImportReport {
  ok: boolean;
  lines: string[];
}

/** One roster file to import: a CSV file, or one sheet of a workbook. */
interface Input {
  kind: RosterKind;
  text: string;
  /** the file name, or the workbook and sheet */
  name: string;
  rowError(line: number, reason: string): string;
}

/**
 * Imports zones.csv, people.csv and schools.csv from a folder into D1: all
 * three are checked first (each against the database plus the files before
 * it), and nothing is written unless every row of every file is valid.
 */
export function importRosterFolder(folder: string, target: D1Target = {}, lang: Lang = "zh"): ImportReport {
  const t = messages(lang);
  const files = ROSTER_ORDER.filter((kind) => existsSync(join(folder, `${kind}.csv`)));
  if (files.length === 0) return { ok: false, lines: [`${folder}: no zones.csv, people.csv or schools.csv`] };
  const inputs = files.map((kind): Input => {
    const fileName = `${kind}.csv`;
    return { kind, text: readFileSync(join(folder, fileName), "utf8"), name: fileName, rowError: (line, reason) => t.roster.rowError(fileName, line, reason) };
  });
  return importInputs(inputs, target, t);
}

/**
 * `npm run roster -- import <folder|workbook.xlsx>`: a workbook with a sheet per roster file
 * (zones / people / schools or 责任区 / 人员 / 学校), a folder of .xlsx files (zones.xlsx … or one
 * workbook), or a folder of CSV files. The same checks and the same all-or-nothing rule either way.
 */
export async function importRoster(path: string, target: D1Target = {}, lang: Lang = "zh"): Promise<ImportReport> {
  const t = messages(lang);
  if (!existsSync(path)) return { ok: false, lines: [`${path}: no such file or folder`] };
  const workbooks = isWorkbookFile(path)
    ? [path]
    : existsSync(path) && statSync(path).isDirectory()
      ? readdirSync(path).filter((name) => isWorkbookFile(name) && !name.startsWith("~$")).sort().map((name) => join(path, name))
      : [];
  if (workbooks.length === 0) return importRosterFolder(path, target, lang);
  const inputs: Input[] = [];
  const lines: string[] = [];
  for (const file of workbooks) {
    const book = basename(file);
    let read: Awaited<ReturnType<typeof rosterSheets>>;
    try {
      read = await rosterSheets(readFileSync(file), book);
    } catch {
      return { ok: false, lines: [t.excel.unreadable(book)] };
    }
    if (read.skipped.length) lines.push(t.excel.skippedSheets(read.skipped.join(t.common.and)));
    for (const sheet of read.sheets)
      inputs.push({ kind: sheet.kind, text: sheet.text, name: t.excel.sheetLabel(book, sheet.sheet), rowError: (line, reason) => t.excel.sheetRowError(book, sheet.sheet, line, reason) });
  }
  if (inputs.length === 0) return { ok: false, lines: [...lines, t.excel.noRosterSheet(workbooks.map((f) => basename(f)).join(", "), "—")] };
  inputs.sort((a, b) => ROSTER_ORDER.indexOf(a.kind) - ROSTER_ORDER.indexOf(b.kind));
  const report = importInputs(inputs, target, t);
  return { ok: report.ok, lines: [...lines, ...report.lines] };
}

function importInputs(inputs: Input[], target: D1Target, t: Messages): ImportReport {
  const [zoneRows = [], supervisorRows = [], openIdRows = [], ...existing] = d1Query(
    [CONTEXT_QUERIES.zoneCodes, CONTEXT_QUERIES.supervisorCodes, CONTEXT_QUERIES.openIds, ...inputs.map((input) => EXISTING_QUERIES[input.kind])].join(";\n"),
    target,
  );
  const { parsed, errors } = parseRosterFiles(
    inputs.map((input) => ({ kind: input.kind, text: input.text, label: input })),
    { zoneCodes: zoneRows as { code: string }[], supervisorCodes: supervisorRows as { code: string }[], openIds: openIdRows as { code: string; open_id: string }[] },
    t,
  );
  if (errors.length) {
    const lines: string[] = [];
    for (const input of inputs) {
      const mine = errors.filter((error) => error.label === input);
      if (mine.length) lines.push(t.roster.rejected(input.name, mine.length), ...mine.map((error) => "  " + input.rowError(error.line, error.reason)));
    }
    return { ok: false, lines };
  }

  const nowMs = Date.now();
  const statements: string[] = [];
  const lines: string[] = [];
  parsed.forEach(({ kind, label, parsed: rows }, index) => {
    const stored = (existing[index] ?? []) as Record<string, unknown>[];
    const diff = diffRoster(rows, stored);
    for (const upsert of rosterUpserts(kind, [...diff.added, ...diff.updated], nowMs, MAX_STATEMENT_JSON)) {
      statements.push(upsert.sql.replace(/\?1/g, String(upsert.params[0])).replace("?2", sqlString(upsert.params[1])) + ";");
    }
    lines.push(t.roster.imported(label.name, t.roster.kinds[kind], diff.added.length, diff.updated.length, diff.unchanged));
    if (rows.kind === "people") {
      const unresolved = rows.rows.filter((row) => !row.openId && !stored.find((s) => s.code === row.code && s.openId));
      if (unresolved.length) lines.push(`  ${unresolved.length} people have no open_id yet; the bot resolves them from mobile/email (see README).`);
    }
  });
  if (statements.length) d1ExecuteFile(statements.join("\n"), target);
  return { ok: true, lines };
}
