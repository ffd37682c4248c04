/**
 * The roster import of an .xlsx workbook sent in a direct chat (events/roster-workbook.ts reads the sheets and
 * renders): every sheet is checked first, each against the database and the sheets before it; any bad row and
 * nothing is imported. The rules of a CSV import hold for every sheet: an office's admin imports only rows of its
 * own office and below, people left out are deactivated only once confirmed, the top office keeps an admin, and
 * each sheet is recorded in the import log.
 */
import type { Services } from "./services.ts";
import type { Actor } from "../db/people.ts";
import { deactivationDetails, loadImportContext, rosterUpsertStatements, schoolCodes } from "../db/roster-import-reads.ts";
import { recordImport, type DeactivationRow } from "../db/roster-imports.ts";
import type { Office, ZoneLike } from "../domain/offices.ts";
import { sha256Hex } from "../feishu/crypto.ts";
import type { Messages } from "../i18n/index.ts";
import { parseRosterFiles } from "../roster/batch.ts";
import type { RosterKind, RowError } from "../roster/parse.ts";
import { removedPeople, reviewScope, scopeRefusalText, topAdmins, type ScopeLookup, type StoredPerson, type StoredRoster } from "../roster/review.ts";
import { diffRoster } from "../roster/store.ts";
import type { RosterSheet } from "../roster/workbook.ts";
import { dataLines, resolveOpenIds, type NamedPerson } from "./roster-import-shared.ts";

export interface RosterWorkbookInput {
  actor: Actor;
  t: Messages;
  /** the workbook's file name */
  book: string;
  /** its roster sheets, as CSV text, in import order */
  sheets: RosterSheet[];
  /** the workbook as sent: its hash names the imports */
  bytes: ArrayBuffer;
}

export interface SheetImported {
  sheet: string;
  kind: RosterKind;
  added: number;
  updated: number;
  unchanged: number;
  notes: string[];
}

export type RosterWorkbookResult =
  | { ok: false; reason: "rejected"; errors: (RowError & { sheet: string })[] }
  | { ok: false; reason: "last-admin"; admins: NamedPerson[] }
  | { ok: true; sheets: SheetImported[]; pending: DeactivationRow[]; hash: string };

export async function importRosterSheets(services: Services, input: RosterWorkbookInput): Promise<RosterWorkbookResult> {
  const { actor, t, book } = input;
  const d1 = services.d1;
  const context = await loadImportContext(d1, input.sheets.map((sheet) => sheet.kind));
  const { parsed, errors } = parseRosterFiles<RosterSheet>(
    input.sheets.map((sheet) => ({ kind: sheet.kind, text: sheet.text, label: sheet })),
    { zoneCodes: context.zoneCodes, supervisorCodes: context.supervisorCodes, openIds: context.openIds },
    t,
  );
  // the scope of every row is judged as stored (the database) and as changed (the database and the sheets before it)
  const storedPeople = context.people;
  const stored: StoredRoster = {
    offices: context.offices,
    zones: context.zones,
    schoolZones: context.schoolZones,
    people: new Map(storedPeople.map((person) => [person.code, person])),
  };
  let offices = stored.offices;
  const zones = new Map(stored.zones);
  const schoolZones = new Map(stored.schoolZones);
  for (const { parsed: sheet } of parsed) {
    if (sheet.kind === "offices") offices = sheet.rows as unknown as Office[];
    if (sheet.kind === "zones") for (const zone of sheet.rows) zones.set(zone.code, zone as unknown as ZoneLike);
    if (sheet.kind === "schools") for (const school of sheet.rows) schoolZones.set(school.code, school.zoneCode);
  }
  const lookup: ScopeLookup = { offices, zones, schoolZones };
  if (errors.length === 0) {
    // An office's admin imports only rows of its own office and those below, as stored and as changed (roster/review.ts).
    for (const { label, parsed: sheet } of parsed) {
      const lines = dataLines(label.text);
      for (const { index, refusal } of reviewScope(sheet, actor.scope, stored, lookup)) {
        errors.push({ line: lines[index] ?? index + 2, reason: scopeRefusalText(t, refusal), label });
      }
    }
  }
  if (errors.length > 0) return { ok: false, reason: "rejected", errors: errors.map(({ line, reason, label }) => ({ line, reason, sheet: label.sheet })) };

  const hash = await sha256Hex(new Uint8Array(input.bytes));
  const imported: SheetImported[] = [];
  let pendingCodes: string[] = [];
  for (const [index, { kind, label, parsed: sheet }] of parsed.entries()) {
    const existing = context.existing[index]!;
    const notes: string[] = [];
    let removed: StoredPerson[] = [];
    if (sheet.kind === "people") {
      // only people in the importer's scope as stored are offered for deactivation
      removed = removedPeople(sheet.rows, storedPeople, actor.scope, stored);
      const admins = topAdmins(storedPeople, sheet.rows, new Set(), offices);
      if (admins.before.length > 0 && admins.after.length === 0) return { ok: false, reason: "last-admin", admins: admins.before };
      notes.push(...(await resolveOpenIds(services, sheet.rows, existing, t)));
      const inBook = new Set(parsed.flatMap((p) => (p.parsed.kind === "schools" ? p.parsed.rows.map((row) => row.code) : [])));
      for (const code of await schoolCodes(d1)) inBook.add(code);
      const missing = [...new Set(sheet.rows.map((row) => row.schoolCode).filter((code): code is string => !!code && !inBook.has(code)))];
      if (missing.length) notes.push(t.roster.pendingSchools(missing.slice(0, 10).join(t.common.and) + (missing.length > 10 ? "…" : "")));
    }
    const diff = diffRoster(sheet, existing);
    services.uow.write(...rosterUpsertStatements(d1, kind, [...diff.added, ...diff.updated], services.nowMs, actor.scope));
    if (removed.length) pendingCodes = removed.map((person) => person.code);
    services.uow.write(
      recordImport(d1, {
        at: services.nowMs,
        actorCode: actor.code,
        kind,
        fileName: `${book} / ${label.sheet}`.slice(0, 200),
        fileHash: hash,
        added: diff.added.length,
        updated: diff.updated.length,
        pendingCodes: removed.map((person) => person.code),
      }),
    );
    imported.push({ sheet: label.sheet, kind, added: diff.added.length, updated: diff.updated.length, unchanged: diff.unchanged, notes });
  }
  const pending = pendingCodes.length > 0 ? await deactivationDetails(d1, pendingCodes) : [];
  return { ok: true, sheets: imported, pending, hash };
}
