/**
 * Photo evidence storage: the rows in `photos` (bytes are in R2 under `r2_key`).
 * Reads return rows; writes are statements for the caller's unit of work.
 * R2 keys and deletions are in photos-r2.ts, what photos attach to in photos-places.ts; this file re-exports them.
 */
import { and, asc, count, eq, gte, inArray, isNotNull, isNull, lte, max, sql } from "drizzle-orm";
import { heldKey, MAX_PHOTOS_PER_SUBJECT, subjectKey, type Refusal, type Subject } from "../domain/photos.ts";
import type { BatchCondition } from "./statements.ts";
import { openDb } from "./client.ts";
import { inJson } from "./fragments.ts";
import { r2KeyOf } from "./photos-r2.ts";
import { orderEvents, photos, reportVersions } from "./schema.ts";

export { claimDeletions, claimR2Key, deletePhotosStatement, deletionsDoneStatement, expiredPhotos, markUnreferencedStatement, r2KeyOf } from "./photos-r2.ts";
export { attachChoices, orderLabel, reportLabel, type OrderLabel, type ReportLabel } from "./photos-places.ts";

export interface PhotoRow {
  id: number;
  subjectKind: "report" | "order" | "held";
  subjectId: number | null;
  state: "attached" | "held" | "refused";
  refusal: string | null;
  senderCode: string;
  sha256: string;
  size: number;
  contentType: string;
  r2Key: string | null;
  imageKey: string | null;
  receivedAt: number;
}

const photoColumns = {
  id: photos.id,
  subjectKind: photos.subjectKind,
  subjectId: photos.subjectId,
  state: photos.state,
  refusal: photos.refusal,
  senderCode: photos.senderCode,
  sha256: photos.sha256,
  size: photos.size,
  contentType: photos.contentType,
  r2Key: photos.r2Key,
  imageKey: photos.imageKey,
  receivedAt: photos.receivedAt,
};

const attachedTo = (subject: Subject) => and(eq(photos.subjectKind, subject.kind), eq(photos.subjectId, subject.id), eq(photos.state, "attached"));

/** When this person last submitted a visit report (any version) and a rectification report, within `sinceMs`. */
export async function recentSubmissions(d1: D1Database, personCode: string, sinceMs: number): Promise<(Subject & { at: number })[]> {
  const db = openDb(d1);
  const [reports, orders] = await db.batch([
    db
      .select({ id: reportVersions.reportId, at: sql<number>`MAX(${reportVersions.submittedAt})`.as("at") })
      .from(reportVersions)
      .where(and(eq(reportVersions.submittedBy, personCode), gte(reportVersions.submittedAt, sinceMs)))
      .groupBy(reportVersions.reportId),
    db
      .select({ id: orderEvents.orderId, at: sql<number>`MAX(${orderEvents.at})`.as("at") })
      .from(orderEvents)
      .where(and(eq(orderEvents.actorCode, personCode), eq(orderEvents.action, "reported"), gte(orderEvents.at, sinceMs)))
      .groupBy(orderEvents.orderId),
  ]);
  return [
    ...reports.map((row) => ({ kind: "report" as const, id: row.id, at: row.at })),
    ...orders.map((row) => ({ kind: "order" as const, id: row.id, at: row.at })),
  ];
}

export async function attachedCount(d1: D1Database, subject: Subject): Promise<number> {
  const row = await openDb(d1).select({ n: count() }).from(photos).where(attachedTo(subject)).get();
  return row?.n ?? 0;
}

export interface IncomingPhoto {
  senderCode: string;
  messageId: string;
  fileKey: string;
  sha256: string;
  size: number;
  contentType: string;
  receivedAt: number;
  /** the bot's own upload of it (im/v1/images), when that went through at once */
  imageKey?: string | null;
  /** where its bytes are in R2 (default `photos/<sha256>`; see `claimR2Key`) */
  r2Key?: string;
}

const INSERT_SQL = `INSERT INTO photos (dedupe_key, subject_kind, subject_id, state, refusal, sender_code, message_id, file_key, sha256, size, content_type, r2_key, received_at)`;
const INSERT_WITH_IMAGE_SQL = INSERT_SQL.replace("received_at)", "received_at, image_key)");

/**
 * A stored photo's row, attached to `subject` (only while it has fewer than the limit) or held for its sender,
 * then, in the same batch, a refused row for the same message image if neither went in: `duplicate` when the place
 * already has these bytes, otherwise `limit`. A redelivered message adds nothing (one row per message image).
 */
export function storedPhotoStatements(d1: D1Database, photo: IncomingPhoto, subject: Subject | null) {
  const place = subject ? subjectKey(subject) : heldKey(photo.senderCode);
  const dedupeKey = `${place}:${photo.sha256}`;
  const common = [photo.senderCode, photo.messageId, photo.fileKey, photo.sha256, photo.size, photo.contentType, photo.receivedAt];
  // attached: hand-written, an INSERT … SELECT … WHERE (count) < limit (a conditional write drizzle's insert cannot express)
  const insert = subject
    ? d1
        .prepare(
          `${INSERT_WITH_IMAGE_SQL} SELECT ?1, ?2, ?3, 'attached', NULL, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?13
           WHERE (SELECT COUNT(*) FROM photos WHERE subject_kind = ?2 AND subject_id = ?3 AND state = 'attached') < ?12
           ON CONFLICT DO NOTHING`,
        )
        .bind(dedupeKey, subject.kind, subject.id, ...common.slice(0, 6), photo.r2Key ?? r2KeyOf(photo.sha256), photo.receivedAt, MAX_PHOTOS_PER_SUBJECT, photo.imageKey ?? null)
    : openDb(d1)
        .insert(photos)
        .values({
          dedupeKey,
          subjectKind: "held",
          subjectId: null,
          state: "held",
          refusal: null,
          senderCode: photo.senderCode,
          messageId: photo.messageId,
          fileKey: photo.fileKey,
          sha256: photo.sha256,
          size: photo.size,
          contentType: photo.contentType,
          r2Key: photo.r2Key ?? r2KeyOf(photo.sha256),
          receivedAt: photo.receivedAt,
          imageKey: photo.imageKey ?? null,
        })
        .onConflictDoNothing();
  // hand-written: an INSERT … SELECT … WHERE NOT EXISTS (a refused row only when neither row above went in)
  const refusedIfNotIn = d1
    .prepare(
      `${INSERT_SQL} SELECT 'refused:' || ?3 || ':' || ?4, ?5, ?6, 'refused',
         CASE WHEN EXISTS (SELECT 1 FROM photos WHERE dedupe_key = ?1) THEN 'duplicate' ELSE 'limit' END,
         ?2, ?3, ?4, ?7, ?8, ?9, NULL, ?10
       WHERE NOT EXISTS (SELECT 1 FROM photos WHERE message_id = ?3 AND file_key = ?4)
       ON CONFLICT DO NOTHING`,
    )
    .bind(dedupeKey, photo.senderCode, photo.messageId, photo.fileKey, subject?.kind ?? "held", subject?.id ?? null, photo.sha256, photo.size, photo.contentType, photo.receivedAt);
  return [insert, refusedIfNotIn];
}

/** A photo refused before it was stored (too large, not an image, full, not downloaded): a row without bytes, for the batch's answer. */
export function refusedPhotoStatement(
  d1: D1Database,
  photo: Omit<IncomingPhoto, "sha256" | "contentType"> & { sha256?: string; contentType?: string },
  subject: Subject | null,
  refusal: Refusal,
) {
  return openDb(d1)
    .insert(photos)
    .values({
      dedupeKey: `refused:${photo.messageId}:${photo.fileKey}`,
      subjectKind: subject?.kind ?? "held",
      subjectId: subject?.id ?? null,
      state: "refused",
      refusal,
      senderCode: photo.senderCode,
      messageId: photo.messageId,
      fileKey: photo.fileKey,
      sha256: photo.sha256 ?? "",
      size: photo.size,
      contentType: photo.contentType ?? "",
      r2Key: null,
      receivedAt: photo.receivedAt,
    })
    .onConflictDoNothing();
}

/** The newest row one message of this sender made. */
export async function newestOfMessage(d1: D1Database, senderCode: string, messageId: string): Promise<number | null> {
  const row = await openDb(d1)
    .select({ id: max(photos.id) })
    .from(photos)
    .where(and(eq(photos.messageId, messageId), eq(photos.senderCode, senderCode)))
    .get();
  return row?.id ?? null;
}

/** The image_key these bytes already have in Feishu (an upload of the same sha256), if any. */
export async function uploadedImageKey(d1: D1Database, sha256: string): Promise<string | null> {
  const row = await openDb(d1)
    .select({ imageKey: photos.imageKey })
    .from(photos)
    .where(and(eq(photos.sha256, sha256), isNotNull(photos.imageKey)))
    .limit(1)
    .get();
  return row?.imageKey ?? null;
}

/** The newest photo row of this sender not yet counted in an answer. */
export async function latestUnanswered(d1: D1Database, senderCode: string): Promise<number | null> {
  const row = await openDb(d1)
    .select({ id: max(photos.id) })
    .from(photos)
    .where(and(eq(photos.senderCode, senderCode), isNull(photos.answeredAt)))
    .get();
  return row?.id ?? null;
}

export async function unansweredUpTo(d1: D1Database, senderCode: string, upToId: number): Promise<PhotoRow[]> {
  return openDb(d1)
    .select(photoColumns)
    .from(photos)
    .where(and(eq(photos.senderCode, senderCode), isNull(photos.answeredAt), lte(photos.id, upToId)))
    .orderBy(asc(photos.id));
}

export function markAnsweredStatement(d1: D1Database, senderCode: string, upToId: number, nowMs: number) {
  return openDb(d1)
    .update(photos)
    .set({ answeredAt: nowMs })
    .where(and(eq(photos.senderCode, senderCode), isNull(photos.answeredAt), lte(photos.id, upToId)));
}

/** The condition "these photos were answered by this unit of work" (its answer goes out only if it marked them). */
export function answeredCondition(d1: D1Database, latestId: number, nowMs: number): BatchCondition {
  const { sql: text, params } = openDb(d1).select({ one: sql`1` }).from(photos).where(and(eq(photos.id, latestId), eq(photos.answeredAt, nowMs))).toSQL();
  return { sql: text, params };
}

/** The photos shown for a report or order, oldest first. */
export async function photosOf(d1: D1Database, subject: Subject, limit = MAX_PHOTOS_PER_SUBJECT): Promise<PhotoRow[]> {
  return openDb(d1).select(photoColumns).from(photos).where(attachedTo(subject)).orderBy(asc(photos.id)).limit(limit);
}

/** Attached photo counts of many reports or orders (one query). */
export async function photoCounts(d1: D1Database, kind: Subject["kind"], ids: readonly number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await openDb(d1)
    .select({ id: photos.subjectId, n: count() })
    .from(photos)
    .where(and(eq(photos.subjectKind, kind), eq(photos.state, "attached"), inJson(photos.subjectId, [...new Set(ids)])))
    .groupBy(photos.subjectId);
  // subject_id is one of `ids`, never null
  return new Map(rows.map((row) => [row.id!, row.n]));
}

export function setImageKeyStatement(d1: D1Database, photoId: number, imageKey: string) {
  return openDb(d1).update(photos).set({ imageKey }).where(eq(photos.id, photoId));
}

/** The sender's held photos still within their time to live. */
export async function heldPhotos(d1: D1Database, senderCode: string, sinceMs: number): Promise<PhotoRow[]> {
  return openDb(d1)
    .select(photoColumns)
    .from(photos)
    .where(and(eq(photos.senderCode, senderCode), eq(photos.state, "held"), gte(photos.receivedAt, sinceMs)))
    .orderBy(asc(photos.id));
}

export async function attachedSha256s(d1: D1Database, subject: Subject): Promise<string[]> {
  const rows = await openDb(d1).select({ sha256: photos.sha256 }).from(photos).where(attachedTo(subject));
  return rows.map((row) => row.sha256);
}

/**
 * Held photos moved to a subject (only while still held: a double click moves nothing twice). Hand-written: the
 * first is an UPDATE OR IGNORE (drizzle's update has no conflict clause), the second an UPDATE … FROM json_each(?) fan-out.
 */
export function attachHeldStatements(
  d1: D1Database,
  subject: Subject,
  plan: { attach: number[]; refused: { id: number; refusal: string }[] },
  nowMs: number,
): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  if (plan.attach.length) {
    statements.push(
      d1
        .prepare(
          `UPDATE OR IGNORE photos SET subject_kind = ?1, subject_id = ?2, state = 'attached', dedupe_key = ?1 || ':' || ?2 || ':' || sha256, answered_at = ?4
           WHERE state = 'held' AND id IN (SELECT value FROM json_each(?3))`,
        )
        .bind(subject.kind, subject.id, JSON.stringify(plan.attach), nowMs),
    );
  }
  if (plan.refused.length) {
    statements.push(
      d1
        .prepare(
          `UPDATE photos SET subject_kind = ?1, subject_id = ?2, state = 'refused', refusal = json_extract(j.value, '$.refusal'),
             dedupe_key = 'refused:' || photos.message_id || ':' || photos.file_key, answered_at = ?4
           FROM json_each(?3) AS j WHERE photos.id = json_extract(j.value, '$.id') AND photos.state = 'held'`,
        )
        .bind(subject.kind, subject.id, JSON.stringify(plan.refused), nowMs),
    );
  }
  return statements;
}

/** Stored photos (attached or held) whose upload to Feishu failed so far, oldest first. */
export async function photosWithoutImageKey(d1: D1Database, limit: number): Promise<PhotoRow[]> {
  return openDb(d1)
    .select(photoColumns)
    .from(photos)
    .where(and(isNull(photos.imageKey), isNotNull(photos.r2Key), inArray(photos.state, ["attached", "held"])))
    .orderBy(asc(photos.id))
    .limit(limit);
}
