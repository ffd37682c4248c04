import type { Messages } from "../i18n/index.ts";
import { parseRoster, type ParsedRoster, type RosterKind, type RowError } from "./parse.ts";
import { buildRosterContext } from "./store.ts";

export interface RosterFileInput<L> {
  kind: RosterKind;
  text: string;
  /** what the caller names the file in messages (a file name, or a workbook's sheet) */
  label: L;
}

/**
 * Checks several roster files together, in the order given (zones before people before schools):
 * each against what the database holds plus the files before it. Used by the terminal import and
 * by a workbook sent in chat; the caller writes nothing unless `errors` is empty.
 */
export function parseRosterFiles<L>(
  files: readonly RosterFileInput<L>[],
  known: { zoneCodes: { code: string }[]; supervisorCodes: { code: string }[]; openIds: { code: string; open_id: string }[] },
  t: Messages,
): { parsed: { kind: RosterKind; label: L; parsed: ParsedRoster }[]; errors: (RowError & { label: L })[] } {
  const zoneCodes = [...known.zoneCodes];
  const supervisors = [...known.supervisorCodes];
  const parsed: { kind: RosterKind; label: L; parsed: ParsedRoster }[] = [];
  const errors: (RowError & { label: L })[] = [];
  for (const file of files) {
    const result = parseRoster(file.kind, file.text, buildRosterContext(zoneCodes, supervisors, known.openIds), t);
    errors.push(...result.errors.map((error) => ({ ...error, label: file.label })));
    if (result.kind === "zones") zoneCodes.push(...result.rows.map((row) => ({ code: row.code })));
    if (result.kind === "people") supervisors.push(...result.rows.filter((row) => row.role === "supervisor").map((row) => ({ code: row.code })));
    parsed.push({ kind: file.kind, label: file.label, parsed: result });
  }
  return { parsed, errors };
}
