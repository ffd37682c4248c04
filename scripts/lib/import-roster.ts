import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { messages, type Lang, type Messages } from "../../src/i18n/index.ts";
import { parseRoster, ROSTER_ORDER, type ParsedRoster, type RosterKind } from "../../src/roster/parse.ts";
import { buildRosterContext, diffRoster } from "../../src/roster/store.ts";
import { CONTEXT_QUERIES, EXISTING_QUERIES, rosterUpserts } from "../../src/db/roster-sql.ts";
import { removedPeople, topAdmins, type StoredPerson } from "../../src/roster/review.ts";
import { isWorkbookFile, rosterSheets } from "../../src/roster/workbook.ts";
import { WHOLE_SCOPE, type Office } from "../../src/domain/offices.ts";
import { OFFICES_SQL } from "../../src/db/offices.ts";
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
  /** the bytes recorded in the import log (the CSV file, or the whole workbook) */
  hash: string;
  rowError(line: number, reason: string): string;
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Imports offices.csv, zones.csv, people.csv and schools.csv from a folder (see importInputs). */
export function importRosterFolder(folder: string, target: D1Target = {}, lang: Lang = "zh", options: { deactivate?: boolean } = {}): ImportReport {
  const t = messages(lang);
  const files = ROSTER_ORDER.filter((kind) => existsSync(join(folder, `${kind}.csv`)));
  if (files.length === 0) return { ok: false, lines: [`${folder}: no offices.csv, zones.csv, people.csv or schools.csv`] };
  const inputs = files.map((kind): Input => {
    const fileName = `${kind}.csv`;
    const bytes = readFileSync(join(folder, fileName));
    return { kind, text: bytes.toString("utf8"), name: fileName, hash: sha256(bytes), rowError: (line, reason) => t.roster.rowError(fileName, line, reason) };
  });
  return importInputs(inputs, target, t, options);
}

/**
 * `npm run roster -- import <folder|workbook.xlsx>`: a workbook with a sheet per roster file
 * (offices / zones / people / schools or 督导室 / 责任区 / 人员 / 学校), a folder of .xlsx files, or a folder
 * of CSV files. The same checks and the same all-or-nothing rule either way.
 */
export async function importRoster(path: string, target: D1Target = {}, lang: Lang = "zh", options: { deactivate?: boolean } = {}): Promise<ImportReport> {
  const t = messages(lang);
  if (!existsSync(path)) return { ok: false, lines: [`${path}: no such file or folder`] };
  const workbooks = isWorkbookFile(path)
    ? [path]
    : statSync(path).isDirectory()
      ? readdirSync(path).filter((name) => isWorkbookFile(name) && !name.startsWith("~$")).sort().map((name) => join(path, name))
      : [];
  if (workbooks.length === 0) return importRosterFolder(path, target, lang, options);
  const inputs: Input[] = [];
  const lines: string[] = [];
  for (const file of workbooks) {
    const book = basename(file);
    const bytes = readFileSync(file);
    let read: Awaited<ReturnType<typeof rosterSheets>>;
    try {
      read = await rosterSheets(bytes, book);
    } catch {
      return { ok: false, lines: [t.excel.unreadable(book)] };
    }
    if (read.skipped.length) lines.push(t.excel.skippedSheets(read.skipped.join(t.common.and)));
    for (const sheet of read.sheets)
      inputs.push({
        kind: sheet.kind,
        text: sheet.text,
        name: t.excel.sheetLabel(book, sheet.sheet),
        hash: sha256(bytes),
        rowError: (line, reason) => t.excel.sheetRowError(book, sheet.sheet, line, reason),
      });
  }
  if (inputs.length === 0) return { ok: false, lines: [...lines, t.excel.noRosterSheet(workbooks.map((f) => basename(f)).join(", "), "—")] };
  inputs.sort((a, b) => ROSTER_ORDER.indexOf(a.kind) - ROSTER_ORDER.indexOf(b.kind));
  const report = importInputs(inputs, target, t, options);
  return { ok: report.ok, lines: [...lines, ...report.lines] };
}

/**
 * All inputs are checked first (each against the database plus the inputs before it), and nothing is written
 * unless every row of every input is valid. Each input is recorded in roster_imports (actor `terminal`). People
 * that people.csv leaves out are listed and deactivated only with `deactivate` (`--deactivate`); the top office
 * keeps an admin.
 */
function importInputs(inputs: Input[], target: D1Target, t: Messages, options: { deactivate?: boolean }): ImportReport {
  const [zoneRows = [], supervisorRows = [], openIdRows = [], officeRows = [], storedPeople = [], ...existing] = d1Query(
    [CONTEXT_QUERIES.zoneCodes, CONTEXT_QUERIES.supervisorCodes, CONTEXT_QUERIES.openIds, OFFICES_SQL, EXISTING_QUERIES.people, ...inputs.map((input) => EXISTING_QUERIES[input.kind])].join(";\n"),
    target,
  );
  let offices = officeRows as unknown as Office[];
  const zoneCodes = [...(zoneRows as { code: string }[])];
  const supervisors = [...(supervisorRows as { code: string }[])];
  const parsedFiles: { input: Input; kind: RosterKind; parsed: ParsedRoster; existing: Record<string, unknown>[] }[] = [];
  const lines: string[] = [];
  let ok = true;

  inputs.forEach((input, index) => {
    const kind = input.kind;
    const context = buildRosterContext(zoneCodes, supervisors, openIdRows as { code: string; open_id: string }[], [], offices);
    const parsed = parseRoster(kind, input.text, context, t);
    if (parsed.kind === "offices") offices = parsed.rows;
    if (parsed.errors.length) {
      ok = false;
      lines.push(t.roster.rejected(input.name, parsed.errors.length), ...parsed.errors.map((error) => "  " + input.rowError(error.line, error.reason)));
    }
    if (parsed.kind === "zones") zoneCodes.push(...parsed.rows.map((row) => ({ code: row.code })));
    if (parsed.kind === "people") supervisors.push(...parsed.rows.filter((row) => row.role === "supervisor").map((row) => ({ code: row.code })));
    parsedFiles.push({ input, kind, parsed, existing: (existing[index] ?? []) as Record<string, unknown>[] });
  });
  if (!ok) return { ok, lines };

  const nowMs = Date.now();
  const statements: string[] = [];
  for (const { input, kind, parsed, existing: stored } of parsedFiles) {
    const diff = diffRoster(parsed, stored);
    let deactivate: string[] = [];
    if (parsed.kind === "people") {
      const people = storedPeople as unknown as StoredPerson[];
      const removed = removedPeople(parsed.rows, people, WHOLE_SCOPE, { offices, zones: new Map(), schoolZones: new Map() });
      const admins = topAdmins(people, parsed.rows, new Set(options.deactivate ? removed.map((p) => p.code) : []), offices);
      if (admins.before.length > 0 && admins.after.length === 0) {
        return { ok: false, lines: [t.offices.lastTopAdmin(admins.before.map((admin) => `${admin.name}（${admin.code}）`).join(t.common.and))] };
      }
      if (removed.length) {
        const names = removed.slice(0, 30).map((p) => `${p.name}（${p.code}）`).join(t.common.and) + (removed.length > 30 ? "…" : "");
        lines.push(options.deactivate ? `  deactivated ${removed.length}: ${names}` : `  ${removed.length} people are not in people.csv (kept active; add --deactivate to deactivate them): ${names}`);
        if (options.deactivate) deactivate = removed.map((p) => p.code);
      }
    }
    for (const upsert of rosterUpserts(kind, [...diff.added, ...diff.updated], nowMs, MAX_STATEMENT_JSON)) {
      statements.push(upsert.sql.replace(/\?1/g, String(upsert.params[0])).replace("?2", sqlString(upsert.params[1])) + ";");
    }
    if (deactivate.length) statements.push(`UPDATE people SET active = 0, updated_at = ${nowMs} WHERE code IN (SELECT value FROM json_each(${sqlString(JSON.stringify(deactivate))}));`);
    statements.push(
      `INSERT INTO roster_imports (at, actor_code, kind, file_name, file_hash, added, updated, deactivated, status) VALUES (${nowMs}, 'terminal', ${sqlString(kind)}, ${sqlString(input.name.slice(0, 200))}, '${input.hash}', ${diff.added.length}, ${diff.updated.length}, ${deactivate.length}, 'done');`,
    );
    lines.push(t.roster.imported(input.name, t.roster.kinds[kind], diff.added.length, diff.updated.length, diff.unchanged));
    if (parsed.kind === "people") {
      const unresolved = parsed.rows.filter((row) => !row.openId && !stored.find((s) => s.code === row.code && s.openId));
      if (unresolved.length) lines.push(`  ${unresolved.length} people have no open_id yet; the bot resolves them from mobile/email (see README).`);
    }
  }
  if (statements.length) d1ExecuteFile(statements.join("\n"), target);
  return { ok, lines };
}
