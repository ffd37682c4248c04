import type { Services, IncomingChat } from "../commands/types.ts";
import type { Actor } from "../db/people.ts";
import { textContent, type Card } from "../feishu/cards/kit.ts";
import { FileTooLargeError } from "../feishu/client.ts";
import { replyMessage } from "../commands/dispatch.ts";
import type { Messages } from "../i18n/index.ts";
import { logger } from "../log.ts";
import { MAX_FILE_BYTES, parseRoster, rosterKindOf, type PersonRow } from "../roster/parse.ts";
import { parseCalendarCsv } from "../domain/calendar.ts";
import { insertPeriods } from "../commands/calendar.ts";
import type { Policy } from "../domain/policy.ts";
import { refusalToStart } from "../usecases/policy.ts";
import { buildRosterContext, CONTEXT_QUERIES, diffRoster, EXISTING_QUERIES, rosterUpserts } from "../roster/store.ts";
import { removedPeople, reviewScope, scopeRefusalText, topAdmins, type ScopeLookup, type StoredPerson } from "../roster/review.ts";
import { sha256Hex } from "../feishu/crypto.ts";
import { OFFICES_SQL } from "../db/offices.ts";
import type { Office, ZoneLike } from "../domain/offices.ts";
import { DEACTIVATION_SQL, recordImport, type DeactivationRow } from "../db/roster-imports.ts";
import { deactivationCard } from "../feishu/cards/roster-card.ts";
import { isWorkbookFile } from "../roster/workbook.ts";
import { importRosterWorkbook } from "./roster-workbook.ts";
import { dataLines, resolveOpenIds } from "./roster-rows.ts";

const ERRORS_LISTED = 30;

/** calendar.csv: a city-wide setting, changed only by the top office's managers and admins. */
export const CALENDAR_FILE_POLICY: Policy = { acts: "setting", roles: ["manager", "admin"], reach: "top" };
const isCalendarFile = (fileName: string) => /\.csv$/i.test(fileName) && /calendar|校历/i.test(fileName);

/**
 * An administrator sends offices.csv, zones.csv, people.csv, schools.csv (or a manager calendar.csv) in a
 * direct chat; each file is checked whole and imported or refused. Every import is recorded (roster_imports);
 * a people.csv that leaves people out deactivates them only once the admin confirms (actions/roster-deactivate.ts).
 */
export async function importRosterFile(
  services: Services,
  actor: Actor,
  t: Messages,
  chat: IncomingChat,
  file: { fileKey: string; fileName: string; fileSize?: number },
): Promise<string> {
  let replies = 0;
  const reply = (content: string | Card) => services.uow.send(replyMessage(chat, replies++, typeof content === "string" ? textContent(content) : content));
  if (actor.role !== "manager" && actor.role !== "admin") {
    reply(t.roster.onlyManagers);
    return "refused";
  }
  if (chat.chatType !== "p2p") {
    reply(t.roster.onlyDirectChat);
    return "refused";
  }
  const workbook = isWorkbookFile(file.fileName);
  const kind = workbook ? null : isCalendarFile(file.fileName) ? "calendar" : rosterKindOf(file.fileName);
  if (!workbook && !kind) {
    reply(t.roster.unknownFile(file.fileName));
    return "unknown_file";
  }
  if (kind === "calendar") {
    // the school calendar is the whole city's: the same policy as `校历 导入` (commands/calendar.ts)
    const refusal = await refusalToStart(services, t, CALENDAR_FILE_POLICY, actor, [], { name: "calendar", roleRefusal: t.roster.onlyManagers });
    if (refusal) {
      reply(refusal);
      return "refused_calendar_not_top";
    }
  }
  if (kind !== "calendar" && actor.role !== "admin") {
    const { results } = await services.d1
      .prepare("SELECT name, code FROM people WHERE role = 'admin' AND active = 1 ORDER BY code LIMIT 5")
      .all<{ name: string; code: string }>();
    reply(t.offices.onlyAdmins(results.map((admin) => `${admin.name}（${admin.code}）`).join(t.common.and)));
    return "refused_not_admin";
  }
  if (kind === "offices" && !actor.scope.isTop) {
    reply(t.offices.onlyTopAdmins(file.fileName));
    return "refused_not_top_admin";
  }

  // Too big by what the message says: not downloaded at all; otherwise the download stops at the limit.
  if (file.fileSize !== undefined && !(file.fileSize <= MAX_FILE_BYTES)) {
    reply(t.roster.tooLarge(file.fileName));
    return "too_large";
  }
  if (workbook || !kind) return importRosterWorkbook(services, actor, t, chat, file, reply);
  let bytes: ArrayBuffer;
  try {
    bytes = await services.feishu().downloadMessageFile(chat.messageId, file.fileKey, MAX_FILE_BYTES);
  } catch (error) {
    if (error instanceof FileTooLargeError) {
      reply(t.roster.tooLarge(file.fileName));
      return "too_large";
    }
    logger.error({ ref: services.ref, route: "roster_import", outcome: "download_failed" }, error);
    reply(t.roster.downloadFailed(file.fileName, services.ref));
    return "download_failed";
  }
  if (bytes.byteLength > MAX_FILE_BYTES) {
    reply(t.roster.tooLarge(file.fileName));
    return "too_large";
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    reply(t.roster.rejected(file.fileName, 1) + "\n" + t.roster.rowError(file.fileName, 1, t.roster.errors.badCsv("not UTF-8")));
    return "rejected";
  }

  if (kind === "calendar") {
    const parsed = parseCalendarCsv(text.replace(/^\uFEFF/, ""));
    if (parsed.errors.length) {
      const lines = parsed.errors.slice(0, ERRORS_LISTED).map((e) => t.planning.calendarRowError(e.line, t.planning.calendarErrors[e.error] ?? e.error));
      reply([t.planning.calendarRejected(parsed.errors.length), ...lines].join("\n"));
      return "rejected";
    }
    services.uow.write(...insertPeriods(services.d1, parsed.periods, actor.code, services.nowMs));
    reply(t.planning.calendarImported(parsed.periods.length));
    return "calendar_imported";
  }

  const d1 = services.d1;
  const [zoneRows, supervisorRows, openIdRows, existingRows, officeRows, zoneInfoRows, schoolZoneRows, peopleRows] = await d1.batch([
    d1.prepare(CONTEXT_QUERIES.zoneCodes),
    d1.prepare(CONTEXT_QUERIES.supervisorCodes),
    d1.prepare(CONTEXT_QUERIES.openIds),
    d1.prepare(EXISTING_QUERIES[kind]),
    d1.prepare(OFFICES_SQL),
    d1.prepare("SELECT code, level, district FROM zones"),
    d1.prepare("SELECT code, zone_code AS zoneCode FROM schools"),
    d1.prepare(EXISTING_QUERIES.people),
  ]);
  const offices = officeRows!.results as unknown as Office[];
  const context = buildRosterContext(
    zoneRows!.results as { code: string }[],
    supervisorRows!.results as { code: string }[],
    openIdRows!.results as { code: string; open_id: string }[],
    [],
    offices,
  );
  const parsed = parseRoster(kind, text, context, t);
  const lookup: ScopeLookup = {
    offices,
    zones: new Map((zoneInfoRows!.results as unknown as (ZoneLike & { code: string })[]).map((zone) => [zone.code, zone])),
    schoolZones: new Map((schoolZoneRows!.results as { code: string; zoneCode: string }[]).map((school) => [school.code, school.zoneCode])),
  };
  const stored = peopleRows!.results as unknown as StoredPerson[];
  if (parsed.errors.length === 0) {
    // An office's admin imports only rows of its own office and those below, as stored and as changed (roster/review.ts).
    const lines = dataLines(text);
    for (const { index, refusal } of reviewScope(parsed, actor.scope, { ...lookup, people: new Map(stored.map((p) => [p.code, p])) }, lookup)) {
      parsed.errors.push({ line: lines[index] ?? index + 2, reason: scopeRefusalText(t, refusal) });
    }
  }
  if (parsed.errors.length > 0) {
    const listed = parsed.errors.slice(0, ERRORS_LISTED).map((error) => t.roster.rowError(file.fileName, error.line, error.reason));
    const more = parsed.errors.length > ERRORS_LISTED ? [t.roster.moreErrors(parsed.errors.length - ERRORS_LISTED)] : [];
    reply([t.roster.rejected(file.fileName, parsed.errors.length), ...listed, ...more].join("\n"));
    return "rejected";
  }

  const existing = existingRows!.results as Record<string, unknown>[];
  const notes: string[] = [];
  let removed: StoredPerson[] = [];
  if (parsed.kind === "people") {
    removed = removedPeople(parsed.rows, stored, actor.scope, lookup);
    // the file's own changes (roles, offices) must leave an admin; removals are checked again when confirmed
    const admins = topAdmins(stored, parsed.rows, new Set(), offices);
    if (admins.before.length > 0 && admins.after.length === 0) {
      reply(t.offices.lastTopAdmin(admins.before.map((admin) => `${admin.name}（${admin.code}）`).join(t.common.and)));
      return "refused_last_admin";
    }
    notes.push(...(await resolveOpenIds(services, parsed.rows, existing, t)));
    const knownSchools = await d1.prepare("SELECT code FROM schools").all<{ code: string }>();
    const schoolCodes = new Set(knownSchools.results.map((row) => row.code));
    const missing = [...new Set(parsed.rows.map((row) => row.schoolCode).filter((code): code is string => !!code && !schoolCodes.has(code)))];
    if (missing.length) notes.push(t.roster.pendingSchools(missing.slice(0, 10).join(t.common.and) + (missing.length > 10 ? "…" : "")));
  }
  const diff = diffRoster(parsed, existing);
  for (const upsert of rosterUpserts(kind, [...diff.added, ...diff.updated], services.nowMs, undefined, actor.scope)) {
    services.uow.write(d1.prepare(upsert.sql).bind(...upsert.params));
  }
  const hash = await sha256Hex(new Uint8Array(bytes));
  const pendingCodes = removed.map((person) => person.code);
  services.uow.write(
    recordImport(d1, {
      at: services.nowMs,
      actorCode: actor.code,
      kind,
      fileName: file.fileName.slice(0, 200),
      fileHash: hash,
      added: diff.added.length,
      updated: diff.updated.length,
      pendingCodes,
    }),
  );
  reply(
    [
      t.roster.imported(file.fileName, t.roster.kinds[kind], diff.added.length, diff.updated.length, diff.unchanged),
      ...notes,
      t.roster.nextStep[kind],
    ].join("\n"),
  );
  if (pendingCodes.length > 0) {
    const details = await d1.prepare(DEACTIVATION_SQL).bind(JSON.stringify(pendingCodes)).all<DeactivationRow>();
    reply(deactivationCard(t, file.fileName, details.results, { at: services.nowMs, hash: hash.slice(0, 16) }));
    return "imported_pending_deactivation";
  }
  return "imported";
}


