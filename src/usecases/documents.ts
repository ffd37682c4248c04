/**
 * Official documents (公文, issue 26): an order as a Word file, and the office's work report for a period. The data
 * comes from storage (the order, its problems, photos and record; the stats use case's figures), the layout from
 * documents/ (pure, loaded lazily), and the file is queued on the unit of work to the asker's direct chat.
 */
import type { Services } from "./services.ts";
import { problemsOfOrder } from "../db/documents.ts";
import { loadOffices } from "../db/offices.ts";
import { findOrderByNumber, orderHistory, relationOf, type OrderRecord } from "../db/orders.ts";
import { attachedCount } from "../db/photos.ts";
import type { Recipient } from "../delivery/outbox.ts";
import { officeOfZone } from "../domain/offices.ts";
import { normalizeOrderNumber } from "../domain/orders.ts";
import type { Actor } from "../domain/people.ts";
import { localDate } from "../domain/time.ts";
import { chineseDate as chinese } from "../documents/layout.ts";
import type { Messages } from "../i18n/index.ts";

/** The file travels base64 in an outbox row (D1 rows stay under 2 MB); the limit is 1.5 MB. */
export const MAX_DOCUMENT_BASE64 = 1_500_000;

export type DocumentFile = { file_name: string; docx_base64: string };


/** The issuing office's name: the office whose zones hold the school (the city's for a city zone); a fallback without offices. */
async function issuingOfficeName(services: Services, t: Messages, order: OrderRecord): Promise<string> {
  const offices = await loadOffices(services.db);
  return officeOfZone(offices, { level: order.zoneLevel, district: order.zoneDistrict })?.name ?? t.orders.document.officeFallback;
}

/** The order as a .docx (base64), with its record as an annex when `withRecord`; null when it would be over the limit. */
export async function orderDocument(services: Services, t: Messages, order: OrderRecord, withRecord: boolean): Promise<DocumentFile | null> {
  const d = t.orders.document;
  const timeZone = services.config.TIMEZONE;
  const [officeName, problems, photos, history] = await Promise.all([
    issuingOfficeName(services, t, order),
    problemsOfOrder(services.d1, order),
    attachedCount(services.d1, { kind: "order", id: order.id }),
    withRecord ? orderHistory(services.d1, order.id, t.orders.system) : Promise.resolve([]),
  ]);
  const kindName = t.orders.kinds[order.kind];
  const attachments = [...(photos > 0 ? [d.photos(photos)] : []), ...(withRecord ? [d.recordAnnex] : [])];
  const dateOf = (ms: number | null) => (ms ? chinese(localDate(ms, timeZone)) : d.none);
  const { buildOrderDocument } = await import("../documents/order-document.ts");
  const base64 = await buildOrderDocument({
    officeName,
    masthead: d.masthead(officeName, kindName),
    number: order.number,
    title: d.title(order.schoolName, kindName),
    schoolName: order.schoolName,
    text: order.text,
    problemsHeading: d.problemsHeading,
    problems: problems.map((p, i) => d.problemLine(i + 1, p.item, t.schools.severities[p.severity] ?? p.severity, p.description)),
    requirementsHeading: d.requirementsHeading(problems.length > 0),
    requirements: [d.deadline(chinese(order.dueDate)), d.sendBack[order.kind] ?? ""].filter(Boolean),
    attachmentsLabel: d.attachments,
    attachments,
    issuedOn: localDate(order.issuedAt, timeZone),
    sealSpace: d.sealSpace,
    record: withRecord
      ? {
          label: d.annexLabel(attachments.indexOf(d.recordAnnex) + 1),
          title: d.recordAnnex,
          summary: d.recordSummary({
            issued: dateOf(order.issuedAt),
            acknowledged: dateOf(order.acknowledgedAt),
            reported: dateOf(order.reportedAt),
            closed: dateOf(order.closedAt),
            status: t.orders.statuses[order.status],
          }),
          header: d.recordHeader,
          rows: history.map((e) => [chinese(localDate(e.at, timeZone)), e.actorName, t.orders.events[e.action as keyof typeof t.orders.events] ?? e.action, e.note ?? ""]),
        }
      : null,
  });
  if (base64.length > MAX_DOCUMENT_BASE64) return null;
  return { file_name: d.fileName(order.number), docx_base64: base64 };
}

/** Queues a document file to `to` (the asker's direct chat), once per `key`. */
export function queueDocument(services: Services, key: string, to: Recipient, file: DocumentFile): void {
  services.uow.send({ key, to, msgType: "file", content: file });
}

export type DownloadResult = { ok: true } | { ok: false; reason: "not-found" | "not-yours" } | { ok: false; reason: "too-large"; number: string };

/**
 * 「下载公文」: the order named on the card as a document to the clicker's direct chat, if they may see it (the
 * issuing side's managers, the school's supervisor and contacts). One file per click: `eventId` is in its key.
 */
export async function downloadOrderDocument(services: Services, t: Messages, actor: Actor, number: string, eventId: string): Promise<DownloadResult> {
  const order = await findOrderByNumber(services.d1, normalizeOrderNumber(number));
  if (!order) return { ok: false, reason: "not-found" };
  if (relationOf(actor, order) === "other") return { ok: false, reason: "not-yours" };
  const file = await orderDocument(services, t, order, false);
  if (!file) return { ok: false, reason: "too-large", number: order.number };
  queueDocument(services, `document-download:${order.number}:${actor.code}:${eventId}`, { openId: actor.openId }, file);
  return { ok: true };
}
