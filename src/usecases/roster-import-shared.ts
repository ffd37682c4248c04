/** What the CSV and the workbook imports share (usecases/roster-import.ts, roster-import-workbook.ts): the download, row lines, open_ids. */
import type { Services } from "./services.ts";
import { FileTooLargeError } from "../feishu/client.ts";
import type { Messages } from "../i18n/index.ts";
import { logger } from "../log.ts";
import { MAX_FILE_BYTES, type PersonRow } from "../roster/parse.ts";

export type DownloadResult = { ok: true; bytes: ArrayBuffer } | { ok: false; reason: "too-large" | "download-failed" };

/** The file of a chat message, up to the roster's size limit (a failure is logged with the request's ref). */
export async function downloadRosterFile(services: Services, file: { messageId: string; fileKey: string }): Promise<DownloadResult> {
  let bytes: ArrayBuffer;
  try {
    bytes = await services.feishu().downloadMessageFile(file.messageId, file.fileKey, MAX_FILE_BYTES);
  } catch (error) {
    if (error instanceof FileTooLargeError) return { ok: false, reason: "too-large" };
    logger.error({ ref: services.ref, route: "roster_import", outcome: "download_failed" }, error);
    return { ok: false, reason: "download-failed" };
  }
  if (bytes.byteLength > MAX_FILE_BYTES) return { ok: false, reason: "too-large" };
  return { ok: true, bytes };
}

/** The file line (1-based) of each data row, in the order the parser returns them (blank lines skipped). */
export function dataLines(text: string): number[] {
  const lines: number[] = [];
  text.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((line, index) => {
    if (index > 0 && line.replace(/,/g, "").trim()) lines.push(index + 1);
  });
  return lines;
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

/** A person named in a refusal. */
export interface NamedPerson {
  name: string;
  code: string;
}
