import type { Services, IncomingChat } from "../commands/types.ts";
import type { Actor } from "../domain/people.ts";
import { textContent, type Card } from "../feishu/cards/kit.ts";
import { replyMessage } from "../commands/dispatch.ts";
import type { Messages } from "../i18n/index.ts";
import { MAX_FILE_BYTES, rosterKindOf } from "../roster/parse.ts";
import { parseCalendarCsv } from "../domain/calendar.ts";
import type { Policy } from "../domain/policy.ts";
import { refusalToStart } from "../usecases/policy.ts";
import { adminsToAsk, downloadRosterFile, importCalendar, importRosterCsv } from "../usecases/roster-import.ts";
import { deactivationCard } from "../feishu/cards/roster-card.ts";
import { isWorkbookFile } from "../roster/workbook.ts";
import { importRosterWorkbook } from "./roster-workbook.ts";

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
    const admins = await adminsToAsk(services);
    reply(t.offices.onlyAdmins(admins.map((admin) => `${admin.name}（${admin.code}）`).join(t.common.and)));
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
  const download = await downloadRosterFile(services, { messageId: chat.messageId, fileKey: file.fileKey });
  if (!download.ok) {
    reply(download.reason === "too-large" ? t.roster.tooLarge(file.fileName) : t.roster.downloadFailed(file.fileName, services.ref));
    return download.reason === "too-large" ? "too_large" : "download_failed";
  }
  const bytes = download.bytes;
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
    const { imported } = importCalendar(services, actor, parsed.periods);
    reply(t.planning.calendarImported(imported));
    return "calendar_imported";
  }

  const result = await importRosterCsv(services, { actor, t, kind, fileName: file.fileName, text, bytes });
  if (!result.ok && result.reason === "rejected") {
    const { errors } = result;
    const listed = errors.slice(0, ERRORS_LISTED).map((error) => t.roster.rowError(file.fileName, error.line, error.reason));
    const more = errors.length > ERRORS_LISTED ? [t.roster.moreErrors(errors.length - ERRORS_LISTED)] : [];
    reply([t.roster.rejected(file.fileName, errors.length), ...listed, ...more].join("\n"));
    return "rejected";
  }
  if (!result.ok) {
    reply(t.offices.lastTopAdmin(result.admins.map((admin) => `${admin.name}（${admin.code}）`).join(t.common.and)));
    return "refused_last_admin";
  }
  reply(
    [
      t.roster.imported(file.fileName, t.roster.kinds[kind], result.added, result.updated, result.unchanged),
      ...result.notes,
      t.roster.nextStep[kind],
    ].join("\n"),
  );
  if (result.pending.length > 0) {
    reply(deactivationCard(t, file.fileName, result.pending, { at: services.nowMs, hash: result.hash.slice(0, 16) }));
    return "imported_pending_deactivation";
  }
  return "imported";
}
