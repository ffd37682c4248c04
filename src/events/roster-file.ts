import type { Services, IncomingChat } from "../commands/types.ts";
import type { Actor } from "../db/people.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { replyMessage } from "../commands/dispatch.ts";
import type { Messages } from "../i18n/index.ts";
import { logger } from "../log.ts";
import { MAX_FILE_BYTES, parseRoster, rosterKindOf, type PersonRow } from "../roster/parse.ts";
import { parseCalendarCsv } from "../domain/calendar.ts";
import { insertPeriods } from "../commands/calendar.ts";
import { buildRosterContext, CONTEXT_QUERIES, diffRoster, EXISTING_QUERIES, rosterUpserts } from "../roster/store.ts";
import { isWorkbookFile } from "../roster/workbook.ts";
import { importRosterWorkbook } from "./roster-workbook.ts";

const ERRORS_LISTED = 30;

const isCalendarFile = (fileName: string) => /\.csv$/i.test(fileName) && /calendar|校历/i.test(fileName);

/**
 * A manager sends zones.csv, people.csv, schools.csv (or calendar.csv) in a
 * direct chat; each file is checked whole and imported or refused.
 */
export async function importRosterFile(
  services: Services,
  actor: Actor,
  t: Messages,
  chat: IncomingChat,
  file: { fileKey: string; fileName: string },
): Promise<string> {
  let replies = 0;
  const reply = (text: string) => services.uow.send(replyMessage(chat, replies++, textContent(text)));
  if (actor.role !== "manager" && actor.role !== "admin") {
    reply(t.roster.onlyManagers);
    return "refused";
  }
  if (chat.chatType !== "p2p") {
    reply(t.roster.onlyDirectChat);
    return "refused";
  }
  if (isWorkbookFile(file.fileName)) return importRosterWorkbook(services, t, chat, file, reply);
  const kind = isCalendarFile(file.fileName) ? "calendar" : rosterKindOf(file.fileName);
  if (!kind) {
    reply(t.roster.unknownFile(file.fileName));
    return "unknown_file";
  }

  let bytes: ArrayBuffer;
  try {
    bytes = await services.feishu().downloadMessageFile(chat.messageId, file.fileKey);
  } catch (error) {
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
  const [zoneRows, supervisorRows, openIdRows, existingRows] = await d1.batch([
    d1.prepare(CONTEXT_QUERIES.zoneCodes),
    d1.prepare(CONTEXT_QUERIES.supervisorCodes),
    d1.prepare(CONTEXT_QUERIES.openIds),
    d1.prepare(EXISTING_QUERIES[kind]),
  ]);
  const context = buildRosterContext(
    zoneRows!.results as { code: string }[],
    supervisorRows!.results as { code: string }[],
    openIdRows!.results as { code: string; open_id: string }[],
  );
  const parsed = parseRoster(kind, text, context, t);
  if (parsed.errors.length > 0) {
    const listed = parsed.errors.slice(0, ERRORS_LISTED).map((error) => t.roster.rowError(file.fileName, error.line, error.reason));
    const more = parsed.errors.length > ERRORS_LISTED ? [t.roster.moreErrors(parsed.errors.length - ERRORS_LISTED)] : [];
    reply([t.roster.rejected(file.fileName, parsed.errors.length), ...listed, ...more].join("\n"));
    return "rejected";
  }

  const existing = existingRows!.results as Record<string, unknown>[];
  const notes: string[] = [];
  if (parsed.kind === "people") {
    notes.push(...(await resolveOpenIds(services, parsed.rows, existing, t)));
    const knownSchools = await d1.prepare("SELECT code FROM schools").all<{ code: string }>();
    const schoolCodes = new Set(knownSchools.results.map((row) => row.code));
    const missing = [...new Set(parsed.rows.map((row) => row.schoolCode).filter((code): code is string => !!code && !schoolCodes.has(code)))];
    if (missing.length) notes.push(t.roster.pendingSchools(missing.slice(0, 10).join(t.common.and) + (missing.length > 10 ? "…" : "")));
  }
  const diff = diffRoster(parsed, existing);
  for (const upsert of rosterUpserts(kind, [...diff.added, ...diff.updated], services.nowMs)) {
    services.uow.write(d1.prepare(upsert.sql).bind(...upsert.params));
  }
  reply(
    [
      t.roster.imported(file.fileName, t.roster.kinds[kind], diff.added.length, diff.updated.length, diff.unchanged),
      ...notes,
      t.roster.nextStep[kind],
    ].join("\n"),
  );
  return "imported";
}

/** Fills in open_ids from mobile or email through Feishu; returns the lines to tell the importer. */
export async function resolveOpenIds(services: Services, rows: PersonRow[], existing: Record<string, unknown>[], t: Messages): Promise<string[]> {
  const storedOpenId = new Map(existing.map((row) => [String(row.code), row.openId as string | null]));
  const needing = rows.filter((row) => !row.openId && !storedOpenId.get(row.code));
  if (needing.length === 0) return [];
  const mobiles = needing.map((row) => row.mobile).filter((m): m is string => !!m);
  const emails = needing.map((row) => row.email).filter((m): m is string => !!m);
  let found = new Map<string, string>();
  if (mobiles.length || emails.length) {
    try {
      found = await services.feishu().openIdsFor(mobiles, emails);
    } catch (error) {
      logger.error({ ref: services.ref, route: "roster_import", outcome: "resolve_failed" }, error);
    }
  }
  const unresolved: string[] = [];
  let resolved = 0;
  for (const row of needing) {
    const openId = (row.mobile && found.get(row.mobile)) || (row.email && found.get(row.email)) || null;
    if (openId) {
      row.openId = openId;
      resolved++;
    } else unresolved.push(`${row.name}（${row.code}）`);
  }
  const lines: string[] = [];
  if (resolved) lines.push(t.roster.resolved(resolved));
  if (unresolved.length) lines.push(t.roster.unresolved(unresolved.length, unresolved.slice(0, 20).join(t.common.and) + (unresolved.length > 20 ? "…" : "")));
  return lines;
}

