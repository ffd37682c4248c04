/**
 * Photos a person sends in the direct chat: each image is downloaded (message
 * resource API), checked, stored in R2 by its sha256 and recorded in D1,
 * attached to the report or rectification report the person submitted in the
 * last 30 minutes, or held until they choose one. The batch is answered once:
 * each message's work waits a few seconds after storing; only the work of the
 * newest photo still unanswered then answers, for every photo before it.
 */
import type { IncomingChat, Services } from "../commands/types.ts";
import { replyMessage } from "../commands/dispatch.ts";
import { findOrderById } from "../db/orders.ts";
import { issuerOrManagers, notifyPeople } from "../usecases/orders.ts";
import type { Actor } from "../db/people.ts";
import {
  attachChoices,
  attachedCount,
  latestUnanswered,
  answeredCondition,
  markAnsweredStatement,
  newestOfMessage,
  uploadedImageKey,
  claimR2Key,
  recentSubmissions,
  refusedPhotoStatement,
  storedPhotoStatements,
  unansweredUpTo,
} from "../db/photos.ts";
import {
  ATTACH_WINDOW_MS,
  DEFAULT_BATCH_QUIET_MS,
  imageTypeOf,
  MAX_PHOTO_BYTES,
  MAX_PHOTOS_PER_SUBJECT,
  recentSubject,
  summarizeBatch,
  type BatchGroup,
  type Subject,
} from "../domain/photos.ts";
import { localDate } from "../domain/time.ts";
import { card, clip, escapeMarkdown, markdown, textContent } from "../feishu/cards/kit.ts";
import { orderDetails } from "../feishu/cards/order-card.ts";
import { choosePlaceCard, photosAddedCard, withPhotos } from "../feishu/cards/photo-block.ts";
import { FileTooLargeError } from "../feishu/client.ts";
import { sha256Hex } from "../feishu/crypto.ts";
import type { Messages } from "../i18n/index.ts";
import { logger } from "../log.ts";
import { wait, type ClockVars } from "../test-clock.ts";
import { cardImagesOf } from "./images.ts";
import { loadPlace, placeName } from "./places.ts";

const MB = MAX_PHOTO_BYTES / 1_000_000;
const CHOICES = 5;
const SCHOOL_IN_BUTTON = 40;

export async function receivePhotos(services: Services, actor: Actor, t: Messages, chat: IncomingChat, imageKeys: readonly string[]): Promise<string> {
  const { d1, nowMs } = services;
  if (chat.chatType !== "p2p") {
    services.uow.send(replyMessage(chat, 0, textContent(t.photos.onlyDirectChat)));
    return "photos:not_direct";
  }
  const bucket = services.env.PHOTOS;
  if (!bucket) {
    services.uow.send(replyMessage(chat, 0, textContent(t.photos.notConfigured)));
    return "photos:not_configured";
  }
  const subject = recentSubject(await recentSubmissions(d1, actor.code, nowMs - ATTACH_WINDOW_MS), nowMs);
  const full = subject ? (await attachedCount(d1, subject)) >= MAX_PHOTOS_PER_SUBJECT : false;
  let stored = 0;
  for (const fileKey of imageKeys) {
    const base = { senderCode: actor.code, messageId: chat.messageId, fileKey, receivedAt: nowMs, size: 0 };
    if (full) {
      services.uow.write(refusedPhotoStatement(d1, base, subject, "limit"));
      continue;
    }
    let bytes: ArrayBuffer;
    try {
      bytes = await services.feishu().downloadMessageImage(chat.messageId, fileKey, MAX_PHOTO_BYTES);
    } catch (error) {
      const tooLarge = error instanceof FileTooLargeError;
      if (!tooLarge) logger.error({ ref: services.ref, route: "photos", outcome: "download_failed" }, error);
      services.uow.write(refusedPhotoStatement(d1, base, subject, tooLarge ? "too_large" : "download_failed"));
      continue;
    }
    const size = bytes.byteLength;
    if (size > MAX_PHOTO_BYTES || size === 0) {
      services.uow.write(refusedPhotoStatement(d1, { ...base, size }, subject, size === 0 ? "not_image" : "too_large"));
      continue;
    }
    const contentType = imageTypeOf(new Uint8Array(bytes, 0, Math.min(16, size)));
    if (!contentType) {
      services.uow.write(refusedPhotoStatement(d1, { ...base, size }, subject, "not_image"));
      continue;
    }
    const sha256 = await sha256Hex(new Uint8Array(bytes));
    // Bytes first, then the row: a row never points at missing bytes. Same bytes, same key: stored once (the key's
    // mark for deletion removed first; a key retention is deleting right now is not used: jobs/photo-retention.ts).
    const r2Key = await claimR2Key(d1, sha256, `${chat.messageId}-${fileKey}`);
    if (!(await bucket.head(r2Key))) {
      await bucket.put(r2Key, bytes, { httpMetadata: { contentType }, sha256, customMetadata: { sender: actor.code } });
    }
    // Uploaded for cards now, while nobody waits (a card callback must answer within 3 s), unless these bytes already were;
    // retried lazily if it fails.
    const imageKey =
      (await uploadedImageKey(d1, sha256)) ??
      (await services
        .feishu()
        .uploadImage(bytes, contentType)
        .catch((error: unknown) => {
          logger.error({ ref: services.ref, route: "photos", outcome: "upload_failed" }, error);
          return null;
        }));
    services.uow.write(...storedPhotoStatements(d1, { ...base, size, sha256, contentType, imageKey, r2Key }, subject));
    stored++;
  }
  await services.uow.commit();

  // a timer in production; in tests, the test's clock (src/test-clock.ts)
  await wait(services.env as ClockVars, DEFAULT_BATCH_QUIET_MS, "photos:quiet");
  const mine = await newestOfMessage(d1, actor.code, chat.messageId);
  const latest = await latestUnanswered(d1, actor.code);
  if (latest === null || mine === null || latest !== mine) return `photos:stored=${stored}:batched`;
  await answerBatch(services, actor, t, chat, latest);
  return `photos:stored=${stored}:answered`;
}

/** One answer for every photo of the sender up to `latestId` not yet answered (only if this answer is the one that marks them). */
async function answerBatch(services: Services, actor: Actor, t: Messages, chat: IncomingChat, latestId: number): Promise<void> {
  const { d1, nowMs } = services;
  const rows = await unansweredUpTo(d1, actor.code, latestId);
  services.uow.write(markAnsweredStatement(d1, actor.code, latestId, nowMs));
  const answered = answeredCondition(d1, latestId, nowMs);
  let replies = 0;
  const reply = (content: Parameters<typeof replyMessage>[2]) => services.uow.send({ ...replyMessage(chat, replies++, content), onlyIf: answered });
  for (const group of summarizeBatch(rows)) {
    const lines = refusalLines(t, group, services.ref);
    if (group.place === "held") {
      if (group.added === 0) {
        reply(textContent(lines.join("\n")));
        continue;
      }
      const choices = await attachChoices(d1, actor, CHOICES);
      const options = {
        // a school's name may be 200 characters and a button shows 100: the name is cut so the date and number stay
        reports: choices.reports.map((r) => ({ kind: "report" as const, id: r.id, label: t.photos.reportOption(clip(r.schoolName, SCHOOL_IN_BUTTON), t.photos.date(r.visitDate), r.photos) })),
        orders: choices.orders.map((o) => ({ kind: "order" as const, id: o.id, label: t.photos.orderOption(o.number, clip(o.schoolName, SCHOOL_IN_BUTTON), o.photos) })),
      };
      if (options.reports.length + options.orders.length === 0) reply(textContent([t.photos.nothingToChoose(group.added), ...lines].join("\n")));
      else reply(choosePlaceCard(t, group.added, options.reports, options.orders, lines));
      continue;
    }
    await answerForPlace(services, actor, t, group.place, group, lines, reply, answered);
  }
}

function refusalLines(t: Messages, group: BatchGroup, ref: string): string[] {
  const r = group.refused;
  return [
    r.too_large ? t.photos.refusedTooLarge(r.too_large, MB) : "",
    r.limit ? t.photos.refusedLimit(r.limit, MAX_PHOTOS_PER_SUBJECT) : "",
    r.not_image ? t.photos.refusedNotImage(r.not_image) : "",
    r.duplicate ? t.photos.refusedDuplicate(r.duplicate) : "",
    r.download_failed ? t.photos.refusedDownload(r.download_failed, ref) : "",
  ].filter(Boolean);
}

async function answerForPlace(
  services: Services,
  actor: Actor,
  t: Messages,
  subject: Subject,
  group: BatchGroup,
  lines: string[],
  reply: (content: Parameters<typeof replyMessage>[2]) => void,
  answered: { sql: string; params: unknown[] },
): Promise<void> {
  const place = await loadPlace(services.d1, subject);
  if (!place) return;
  const name = placeName(t, place);
  const images = await cardImagesOf(services, subject);
  const head = group.added > 0 ? t.photos.added(name, group.added, images.total) : t.photos.noneAdded(name);
  reply(photosAddedCard(t, [escapeMarkdown(head), ...lines], images.imageKeys, images.total));
  // The manager who verifies a rectification report sees the photos that came with it.
  if (place.kind === "order" && place.order.status === "reported" && group.added > 0) {
    const order = await findOrderById(services.d1, place.id);
    if (!order) return;
    const timeZone = services.config.TIMEZONE;
    const today = localDate(services.nowMs, timeZone);
    const verifiers = await issuerOrManagers(services, order.issuedBy, { zone: { level: order.zoneLevel, district: order.zoneDistrict } });
    notifyPeople(
      services,
      verifiers,
      (person) => `photos:verify:${order.id}:${answered.params[0]}:${person.code}`,
      (pt) =>
        withPhotos(
          card({
            title: pt.photos.verifyTitle(order.number),
            template: "turquoise",
            elements: [markdown(pt.photos.verifyIntro(escapeMarkdown(actor.name), group.added)), ...orderDetails(pt, order, today, timeZone)],
          }),
          pt,
          images.imageKeys,
          images.total,
        ),
      answered,
    );
  }
}
