import type { IncomingChat, Services } from "../commands/types.ts";
import type { Actor } from "../db/people.ts";
import { OFFICES_SQL } from "../db/offices.ts";
import { DEACTIVATION_SQL, recordImport, type DeactivationRow } from "../db/roster-imports.ts";
import type { Office, ZoneLike } from "../domain/offices.ts";
import { textContent, type Card } from "../feishu/cards/kit.ts";
import { deactivationCard } from "../feishu/cards/roster-card.ts";
import { FileTooLargeError } from "../feishu/client.ts";
import { sha256Hex } from "../feishu/crypto.ts";
import { removedPeople, reviewScope, scopeRefusalText, topAdmins, type ScopeLookup, type StoredPerson, type StoredRoster } from "../roster/review.ts";
import type { Messages } from "../i18n/index.ts";
import { logger } from "../log.ts";
import { parseRosterFiles } from "../roster/batch.ts";
import { MAX_FILE_BYTES } from "../roster/parse.ts";
import { buildRosterContext, CONTEXT_QUERIES, diffRoster, EXISTING_QUERIES, rosterUpserts } from "../roster/store.ts";
import { rosterSheets, type RosterSheet } from "../roster/workbook.ts";
import { UnreadableWorkbook } from "../xlsx/workbook.ts";
import { dataLines, resolveOpenIds } from "./roster-rows.ts";

const ERRORS_LISTED = 30;

/**
 * An .xlsx roster sent in a direct chat (the caller has checked the sender and the chat): one
 * workbook with a sheet per roster file, or one file's sheet in zones.xlsx etc. Every sheet is
 * checked first, each against the database and the sheets before it; any bad row and nothing is
 * imported, and each bad row is named by sheet, row and reason. The rules of a CSV import hold for every
 * sheet (the caller has checked that the sender is an admin): an offices sheet is the top office's, an
 * office's admin imports only rows of its own office and below, people left out are deactivated only once
 * confirmed, the top office keeps an admin, and each sheet is recorded in the import log.
 */
export async function importRosterWorkbook(
  services: Services,
  actor: Actor,
  t: Messages,
  chat: IncomingChat,
  file: { fileKey: string; fileName: string },
  reply: (content: string | Card) => void,
): Promise<string> {
  const book = file.fileName;
  let bytes: ArrayBuffer;
  try {
    bytes = await services.feishu().downloadMessageFile(chat.messageId, file.fileKey, MAX_FILE_BYTES);
  } catch (error) {
    if (error instanceof FileTooLargeError) {
      reply(t.roster.tooLarge(book));
      return "too_large";
    }
    logger.error({ ref: services.ref, route: "roster_import", outcome: "download_failed" }, error);
    reply(t.roster.downloadFailed(book, services.ref));
    return "download_failed";
  }
  if (bytes.byteLength > MAX_FILE_BYTES) {
    reply(t.roster.tooLarge(book));
    return "too_large";
  }
  let read: Awaited<ReturnType<typeof rosterSheets>>;
  try {
    read = await rosterSheets(bytes, book);
  } catch (error) {
    if (!(error instanceof UnreadableWorkbook)) throw error;
    reply(t.excel.unreadable(book));
    return "rejected";
  }
  if (read.sheets.length === 0) {
    reply(t.excel.noRosterSheet(book, read.all.join(t.common.and) || "—"));
    return "unknown_file";
  }

  if (read.sheets.some((sheet) => sheet.kind === "offices") && !actor.scope.isTop) {
    reply(t.offices.onlyTopAdmins(book));
    return "refused_not_top_admin";
  }

  const d1 = services.d1;
  const kinds = read.sheets.map((sheet) => sheet.kind);
  const [zoneRows, supervisorRows, openIdRows, officeRows, zoneInfoRows, schoolZoneRows, peopleRows, ...existingRows] = await d1.batch([
    d1.prepare(CONTEXT_QUERIES.zoneCodes),
    d1.prepare(CONTEXT_QUERIES.supervisorCodes),
    d1.prepare(CONTEXT_QUERIES.openIds),
    d1.prepare(OFFICES_SQL),
    d1.prepare("SELECT code, level, district FROM zones"),
    d1.prepare("SELECT code, zone_code AS zoneCode FROM schools"),
    d1.prepare(EXISTING_QUERIES.people),
    ...kinds.map((kind) => d1.prepare(EXISTING_QUERIES[kind])),
  ]);
  const officesSheet = read.sheets.find((sheet) => sheet.kind === "offices");
  const { parsed, errors } = parseRosterFiles<RosterSheet>(
    read.sheets.map((sheet) => ({ kind: sheet.kind, text: sheet.text, label: sheet })),
    {
      zoneCodes: zoneRows!.results as { code: string }[],
      supervisorCodes: supervisorRows!.results as { code: string }[],
      openIds: openIdRows!.results as { code: string; open_id: string }[],
    },
    t,
  );
  // the scope of every row is judged as stored (the database) and as changed (the database and the sheets before it)
  const storedPeople = peopleRows!.results as unknown as StoredPerson[];
  const stored: StoredRoster = {
    offices: officeRows!.results as unknown as Office[],
    zones: new Map((zoneInfoRows!.results as unknown as (ZoneLike & { code: string })[]).map((zone) => [zone.code, zone as ZoneLike])),
    schoolZones: new Map((schoolZoneRows!.results as { code: string; zoneCode: string }[]).map((school) => [school.code, school.zoneCode])),
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
  if (errors.length > 0) {
    const listed = errors.slice(0, ERRORS_LISTED).map((error) => t.excel.sheetRowError(book, error.label.sheet, error.line, error.reason));
    const more = errors.length > ERRORS_LISTED ? [t.roster.moreErrors(errors.length - ERRORS_LISTED)] : [];
    reply([t.excel.rejected(book, errors.length), ...listed, ...more].join("\n"));
    return "rejected";
  }

  const hash = await sha256Hex(new Uint8Array(bytes));
  const lines: string[] = [];
  let pendingCodes: string[] = [];
  for (const [index, { kind, label, parsed: sheet }] of parsed.entries()) {
    const existing = existingRows[index]!.results as Record<string, unknown>[];
    const notes: string[] = [];
    let removed: StoredPerson[] = [];
    if (sheet.kind === "people") {
      // only people in the importer's scope as stored are offered for deactivation
      removed = removedPeople(sheet.rows, storedPeople, actor.scope, stored);
      const admins = topAdmins(storedPeople, sheet.rows, new Set(), offices);
      if (admins.before.length > 0 && admins.after.length === 0) {
        reply(t.offices.lastTopAdmin(admins.before.map((admin) => `${admin.name}（${admin.code}）`).join(t.common.and)));
        return "refused_last_admin";
      }
      notes.push(...(await resolveOpenIds(services, sheet.rows, existing, t)));
      const inBook = new Set(parsed.flatMap((p) => (p.parsed.kind === "schools" ? p.parsed.rows.map((row) => row.code) : [])));
      const known = await d1.prepare("SELECT code FROM schools").all<{ code: string }>();
      for (const row of known.results) inBook.add(row.code);
      const missing = [...new Set(sheet.rows.map((row) => row.schoolCode).filter((code): code is string => !!code && !inBook.has(code)))];
      if (missing.length) notes.push(t.roster.pendingSchools(missing.slice(0, 10).join(t.common.and) + (missing.length > 10 ? "…" : "")));
    }
    const diff = diffRoster(sheet, existing);
    for (const upsert of rosterUpserts(kind, [...diff.added, ...diff.updated], services.nowMs, undefined, actor.scope)) services.uow.write(d1.prepare(upsert.sql).bind(...upsert.params));
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
    lines.push(t.roster.imported(t.excel.sheetLabel(book, label.sheet), t.roster.kinds[kind], diff.added.length, diff.updated.length, diff.unchanged), ...notes);
  }
  if (read.skipped.length) lines.push(t.excel.skippedSheets(read.skipped.join(t.common.and)));
  const last = parsed.at(-1)!.kind;
  lines.push(t.roster.nextStep[last]);
  reply(lines.join("\n"));
  if (pendingCodes.length > 0) {
    const details = await d1.prepare(DEACTIVATION_SQL).bind(JSON.stringify(pendingCodes)).all<DeactivationRow>();
    reply(deactivationCard(t, book, details.results, { at: services.nowMs, hash: hash.slice(0, 16) }));
    return "imported_pending_deactivation";
  }
  return "imported";
}
