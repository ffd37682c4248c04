import type { IncomingChat, Services } from "../commands/types.ts";
import type { Messages } from "../i18n/index.ts";
import { logger } from "../log.ts";
import { parseRosterFiles } from "../roster/batch.ts";
import { MAX_FILE_BYTES } from "../roster/parse.ts";
import { buildRosterContext, CONTEXT_QUERIES, diffRoster, EXISTING_QUERIES, rosterUpserts } from "../roster/store.ts";
import { rosterSheets, type RosterSheet } from "../roster/workbook.ts";
import { UnreadableWorkbook } from "../xlsx/workbook.ts";
import { resolveOpenIds } from "./roster-file.ts";

const ERRORS_LISTED = 30;

/**
 * An .xlsx roster sent in a direct chat (the caller has checked the sender and the chat): one
 * workbook with a sheet per roster file, or one file's sheet in zones.xlsx etc. Every sheet is
 * checked first, each against the database and the sheets before it; any bad row and nothing is
 * imported, and each bad row is named by sheet, row and reason.
 */
export async function importRosterWorkbook(
  services: Services,
  t: Messages,
  chat: IncomingChat,
  file: { fileKey: string; fileName: string },
  reply: (text: string) => void,
): Promise<string> {
  const book = file.fileName;
  let bytes: ArrayBuffer;
  try {
    bytes = await services.feishu().downloadMessageFile(chat.messageId, file.fileKey);
  } catch (error) {
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

  const d1 = services.d1;
  const kinds = read.sheets.map((sheet) => sheet.kind);
  const [zoneRows, supervisorRows, openIdRows, ...existingRows] = await d1.batch([
    d1.prepare(CONTEXT_QUERIES.zoneCodes),
    d1.prepare(CONTEXT_QUERIES.supervisorCodes),
    d1.prepare(CONTEXT_QUERIES.openIds),
    ...kinds.map((kind) => d1.prepare(EXISTING_QUERIES[kind])),
  ]);
  const { parsed, errors } = parseRosterFiles<RosterSheet>(
    read.sheets.map((sheet) => ({ kind: sheet.kind, text: sheet.text, label: sheet })),
    {
      zoneCodes: zoneRows!.results as { code: string }[],
      supervisorCodes: supervisorRows!.results as { code: string }[],
      openIds: openIdRows!.results as { code: string; open_id: string }[],
    },
    t,
  );
  if (errors.length > 0) {
    const listed = errors.slice(0, ERRORS_LISTED).map((error) => t.excel.sheetRowError(book, error.label.sheet, error.line, error.reason));
    const more = errors.length > ERRORS_LISTED ? [t.roster.moreErrors(errors.length - ERRORS_LISTED)] : [];
    reply([t.excel.rejected(book, errors.length), ...listed, ...more].join("\n"));
    return "rejected";
  }

  const lines: string[] = [];
  for (const [index, { kind, label, parsed: sheet }] of parsed.entries()) {
    const existing = existingRows[index]!.results as Record<string, unknown>[];
    const notes: string[] = [];
    if (sheet.kind === "people") {
      notes.push(...(await resolveOpenIds(services, sheet.rows, existing, t)));
      const inBook = new Set(parsed.flatMap((p) => (p.parsed.kind === "schools" ? p.parsed.rows.map((row) => row.code) : [])));
      const known = await d1.prepare("SELECT code FROM schools").all<{ code: string }>();
      for (const row of known.results) inBook.add(row.code);
      const missing = [...new Set(sheet.rows.map((row) => row.schoolCode).filter((code): code is string => !!code && !inBook.has(code)))];
      if (missing.length) notes.push(t.roster.pendingSchools(missing.slice(0, 10).join(t.common.and) + (missing.length > 10 ? "…" : "")));
    }
    const diff = diffRoster(sheet, existing);
    for (const upsert of rosterUpserts(kind, [...diff.added, ...diff.updated], services.nowMs)) services.uow.write(d1.prepare(upsert.sql).bind(...upsert.params));
    lines.push(t.roster.imported(t.excel.sheetLabel(book, label.sheet), t.roster.kinds[kind], diff.added.length, diff.updated.length, diff.unchanged), ...notes);
  }
  if (read.skipped.length) lines.push(t.excel.skippedSheets(read.skipped.join(t.common.and)));
  const last = parsed.at(-1)!.kind;
  lines.push(t.roster.nextStep[last]);
  reply(lines.join("\n"));
  return "imported";
}
