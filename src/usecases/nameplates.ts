/**
 * The nameplate's printable parts: a school's QR code sent as an image message, and the Word file with one
 * nameplate per page for the schools in a manager's scope (`名牌 导出`). The PNG and the .docx are made here
 * (documents/, loaded lazily: no other request evaluates docx or the PNG encoder) and travel through the
 * outbox as base64; the delivery uploads them (im/v1/images, im/v1/files) right before sending.
 */
import type { Services } from "./services.ts";
import { insertToken, nameplatesInScope } from "../db/nameplate.ts";
import type { Actor } from "../db/people.ts";
import type { Recipient } from "../delivery/outbox.ts";
import { nameplateToken } from "../domain/nameplate.ts";
import { ROUTINE_ITEMS } from "../domain/report-form.ts";
import { localDate } from "../domain/time.ts";
import type { Messages } from "../i18n/index.ts";
import { toBase64 } from "../xlsx/workbook.ts";

/** A school's page URL (a path when PUBLIC_BASE_URL is not set). */
export const nameplateUrl = (baseUrl: string | undefined, token: string) => `${baseUrl ?? ""}/p/${token}`;

/** Queues the QR code of `url` as an image message to `to` (committed with the handler's other writes). */
export async function queueNameplateQr(services: Services, key: string, to: Recipient, url: string): Promise<void> {
  const { nameplateQrPng } = await import("../documents/nameplate-qr.ts");
  services.uow.send({ key, to, msgType: "image", content: { png_base64: toBase64(nameplateQrPng(url).png) } });
}

/** at most this many nameplates in one file */
export const MAX_NAMEPLATES = 400;
/** the base64 file travels in one outbox row (D1's 2 MB row limit; feishu.md: files ≤ 30 MB) */
const MAX_DOCX_BASE64 = 1_500_000;

export type NameplateExport = { kind: "empty" } | { kind: "tooLarge"; count: number } | { kind: "sent"; count: number };

/**
 * `名牌 导出`: the nameplates of the active schools in the actor's scope, one per page; a school without a valid
 * link gets one (as `名牌 <学校>` would). The file goes to `to` under `key`, with the tokens in the same commit.
 */
export async function exportNameplates(services: Services, actor: Actor, t: Messages, to: Recipient, key: string): Promise<NameplateExport> {
  const rows = await nameplatesInScope(services.d1, actor.scope, MAX_NAMEPLATES + 1);
  if (rows.length === 0) return { kind: "empty" };
  if (rows.length > MAX_NAMEPLATES) return { kind: "tooLarge", count: rows.length };
  const [{ nameplateQrPng }, { nameplateDocx }] = await Promise.all([import("../documents/nameplate-qr.ts"), import("../documents/nameplate-docx.ts")]);
  const n = t.schools.nameplate;
  const issued: ReturnType<typeof insertToken>[] = [];
  const sheets = rows.map((row) => {
    let token = row.token;
    if (!token) {
      token = nameplateToken(crypto.getRandomValues(new Uint8Array(18)));
      issued.push(insertToken(services.d1, token, row.schoolCode, actor.code, services.nowMs));
    }
    const url = nameplateUrl(services.config.PUBLIC_BASE_URL, token);
    return {
      schoolName: row.schoolName,
      supervisorName: row.supervisorName ?? n.docNone,
      officeName: row.officeName ?? n.docNone,
      publicPhone: row.publicPhone ?? n.docNone,
      url,
      qrPng: nameplateQrPng(url).png,
    };
  });
  const docx = await nameplateDocx(sheets, {
    heading: n.heading,
    supervisor: n.supervisor,
    office: n.office,
    phone: n.phone,
    items: n.items,
    scan: n.docScan,
    itemNames: ROUTINE_ITEMS.map((item) => t.reports.items[item]),
  });
  const base64 = toBase64(docx);
  if (base64.length > MAX_DOCX_BASE64) return { kind: "tooLarge", count: rows.length };
  if (issued.length) services.uow.write(...issued);
  services.uow.send({ key, to, msgType: "file", content: { file_name: n.exportFileName(localDate(services.nowMs, services.config.TIMEZONE)), docx_base64: base64 } });
  return { kind: "sent", count: rows.length };
}
