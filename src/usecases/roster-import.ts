/**
 * The roster import of a CSV file sent in a direct chat (events/roster-file.ts parses the message and renders):
 * checks the file whole against the database and the importer's scope, then queues the upserts and the import
 * record on the unit of work. People the file leaves out are deactivated only once an admin confirms
 * (actions/roster-deactivate.ts); here they are returned with their open work for the confirmation card.
 */
import type { Services } from "./services.ts";
import { insertPeriods } from "../db/calendar.ts";
import type { Actor } from "../db/people.ts";
import { activeAdmins, deactivationDetails, loadImportContext, rosterUpsertStatements, schoolCodes } from "../db/roster-import-reads.ts";
import { recordImport, type DeactivationRow } from "../db/roster-imports.ts";
import type { CalendarPeriod } from "../domain/calendar.ts";
import { sha256Hex } from "../feishu/crypto.ts";
import type { Messages } from "../i18n/index.ts";
import { parseRoster, type RosterKind, type RowError } from "../roster/parse.ts";
import { removedPeople, reviewScope, scopeRefusalText, topAdmins, type ScopeLookup, type StoredPerson } from "../roster/review.ts";
import { buildRosterContext, diffRoster } from "../roster/store.ts";
import { dataLines, resolveOpenIds, type NamedPerson } from "./roster-import-shared.ts";

export { downloadRosterFile, type DownloadResult } from "./roster-import-shared.ts";

/** The first few active administrators, named to a manager who may not import a roster file. */
export function adminsToAsk(services: Services): Promise<NamedPerson[]> {
  return activeAdmins(services.d1, 5);
}

/** Stores a checked school calendar (the periods replace nothing: the statements insert them). */
export function importCalendar(services: Services, actor: Actor, periods: readonly CalendarPeriod[]): { imported: number } {
  services.uow.write(...insertPeriods(services.d1, periods, actor.code, services.nowMs));
  return { imported: periods.length };
}

export interface RosterCsvInput {
  actor: Actor;
  t: Messages;
  kind: RosterKind;
  fileName: string;
  /** the file, decoded as UTF-8 */
  text: string;
  /** the file as sent: its hash names the import */
  bytes: ArrayBuffer;
}

export type RosterImportResult =
  | { ok: false; reason: "rejected"; errors: RowError[] }
  | { ok: false; reason: "last-admin"; admins: NamedPerson[] }
  | {
      ok: true;
      added: number;
      updated: number;
      unchanged: number;
      /** lines for the importer: open_ids found or not, schools not yet known */
      notes: string[];
      /** people left out, waiting for an admin's confirmation, with their open work */
      pending: DeactivationRow[];
      hash: string;
    };

export async function importRosterCsv(services: Services, input: RosterCsvInput): Promise<RosterImportResult> {
  const { actor, t, kind, text } = input;
  const d1 = services.d1;
  const context = await loadImportContext(d1, [kind]);
  const offices = context.offices;
  const parsed = parseRoster(kind, text, buildRosterContext(context.zoneCodes, context.supervisorCodes, context.openIds, [], offices), t);
  const lookup: ScopeLookup = { offices, zones: context.zones, schoolZones: context.schoolZones };
  const stored = context.people;
  if (parsed.errors.length === 0) {
    // An office's admin imports only rows of its own office and those below, as stored and as changed (roster/review.ts).
    const lines = dataLines(text);
    for (const { index, refusal } of reviewScope(parsed, actor.scope, { ...lookup, people: new Map(stored.map((p) => [p.code, p])) }, lookup)) {
      parsed.errors.push({ line: lines[index] ?? index + 2, reason: scopeRefusalText(t, refusal) });
    }
  }
  if (parsed.errors.length > 0) return { ok: false, reason: "rejected", errors: parsed.errors };

  const existing = context.existing[0]!;
  const notes: string[] = [];
  let removed: StoredPerson[] = [];
  if (parsed.kind === "people") {
    removed = removedPeople(parsed.rows, stored, actor.scope, lookup);
    // the file's own changes (roles, offices) must leave an admin; removals are checked again when confirmed
    const admins = topAdmins(stored, parsed.rows, new Set(), offices);
    if (admins.before.length > 0 && admins.after.length === 0) return { ok: false, reason: "last-admin", admins: admins.before };
    notes.push(...(await resolveOpenIds(services, parsed.rows, existing, t)));
    const known = new Set(await schoolCodes(d1));
    const missing = [...new Set(parsed.rows.map((row) => row.schoolCode).filter((code): code is string => !!code && !known.has(code)))];
    if (missing.length) notes.push(t.roster.pendingSchools(missing.slice(0, 10).join(t.common.and) + (missing.length > 10 ? "…" : "")));
  }
  const diff = diffRoster(parsed, existing);
  services.uow.write(...rosterUpsertStatements(d1, kind, [...diff.added, ...diff.updated], services.nowMs, actor.scope));
  const hash = await sha256Hex(new Uint8Array(input.bytes));
  const pendingCodes = removed.map((person) => person.code);
  services.uow.write(
    recordImport(d1, {
      at: services.nowMs,
      actorCode: actor.code,
      kind,
      fileName: input.fileName.slice(0, 200),
      fileHash: hash,
      added: diff.added.length,
      updated: diff.updated.length,
      pendingCodes,
    }),
  );
  const pending = pendingCodes.length > 0 ? await deactivationDetails(d1, pendingCodes) : [];
  return { ok: true, added: diff.added.length, updated: diff.updated.length, unchanged: diff.unchanged, notes, pending, hash };
}
