import type { IncomingChat, Services } from "../commands/types.ts";
import type { Actor } from "../domain/people.ts";
import type { Card } from "../feishu/cards/kit.ts";
import { deactivationCard } from "../feishu/cards/roster-card.ts";
import type { Messages } from "../i18n/index.ts";
import { rosterSheets } from "../roster/workbook.ts";
import { downloadRosterFile } from "../usecases/roster-import.ts";
import { importRosterSheets } from "../usecases/roster-import-workbook.ts";
import { UnreadableWorkbook } from "../xlsx/workbook.ts";

const ERRORS_LISTED = 30;

/**
 * An .xlsx roster sent in a direct chat (the caller has checked the sender and the chat): one
 * workbook with a sheet per roster file, or one file's sheet in zones.xlsx etc. This reads the sheets and
 * renders; usecases/roster-import-workbook.ts checks every sheet (any bad row and nothing is imported, each
 * bad row named by sheet, row and reason) and imports them. An offices sheet is the top office's.
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
  const download = await downloadRosterFile(services, { messageId: chat.messageId, fileKey: file.fileKey });
  if (!download.ok) {
    reply(download.reason === "too-large" ? t.roster.tooLarge(book) : t.roster.downloadFailed(book, services.ref));
    return download.reason === "too-large" ? "too_large" : "download_failed";
  }
  const bytes = download.bytes;
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

  const result = await importRosterSheets(services, { actor, t, book, sheets: read.sheets, bytes });
  if (!result.ok && result.reason === "rejected") {
    const { errors } = result;
    const listed = errors.slice(0, ERRORS_LISTED).map((error) => t.excel.sheetRowError(book, error.sheet, error.line, error.reason));
    const more = errors.length > ERRORS_LISTED ? [t.roster.moreErrors(errors.length - ERRORS_LISTED)] : [];
    reply([t.excel.rejected(book, errors.length), ...listed, ...more].join("\n"));
    return "rejected";
  }
  if (!result.ok) {
    reply(t.offices.lastTopAdmin(result.admins.map((admin) => `${admin.name}（${admin.code}）`).join(t.common.and)));
    return "refused_last_admin";
  }

  const lines: string[] = [];
  for (const sheet of result.sheets) {
    lines.push(t.roster.imported(t.excel.sheetLabel(book, sheet.sheet), t.roster.kinds[sheet.kind], sheet.added, sheet.updated, sheet.unchanged), ...sheet.notes);
  }
  if (read.skipped.length) lines.push(t.excel.skippedSheets(read.skipped.join(t.common.and)));
  lines.push(t.roster.nextStep[result.sheets.at(-1)!.kind]);
  reply(lines.join("\n"));
  if (result.pending.length > 0) {
    reply(deactivationCard(t, book, result.pending, { at: services.nowMs, hash: result.hash.slice(0, 16) }));
    return "imported_pending_deactivation";
  }
  return "imported";
}
