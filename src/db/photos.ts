/**
 * Photo evidence storage: the rows in `photos` (bytes are in R2 under `r2_key`).
 * Reads return rows; writes are statements for the caller's unit of work.
 * R2 keys and deletions are in photos-r2.ts, what photos attach to in photos-places.ts; this file re-exports them.
 */
import { heldKey, MAX_PHOTOS_PER_SUBJECT, subjectKey, type Refusal, type Subject } from "../domain/photos.ts";
import { r2KeyOf } from "./photos-r2.ts";

export { claimDeletions, claimR2Key, deletePhotosStatement, deletionsDoneStatement, markUnreferencedStatement, r2KeyOf } from "./photos-r2.ts";
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

const PHOTO_COLUMNS = `id, subject_kind AS subjectKind, subject_id AS subjectId, state, refusal, sender_code AS senderCode, sha256, size,
  content_type AS contentType, r2_key AS r2Key, image_key AS imageKey, received_at AS receivedAt`;

/** When this person last submitted a visit report (any version) and a rectification report, within `sinceMs`. */
export async function recentSubmissions(d1: D1Database, personCode: string, sinceMs: number): Promise<(Subject & { at: number })[]> {
  const [reports, orders] = await d1.batch<{ id: number; at: number }>([
    d1.prepare("SELECT report_id AS id, MAX(submitted_at) AS at FROM report_versions WHERE submitted_by = ?1 AND submitted_at >= ?2 GROUP BY report_id").bind(personCode, sinceMs),
    d1.prepare("SELECT order_id AS id, MAX(at) AS at FROM order_events WHERE actor_code = ?1 AND action = 'reported' AND at >= ?2 GROUP BY order_id").bind(personCode, sinceMs),
  ]);
  return [
    ...(reports?.results ?? []).map((row) => ({ kind: "report" as const, id: row.id, at: row.at })),
    ...(orders?.results ?? []).map((row) => ({ kind: "order" as const, id: row.id, at: row.at })),
  ];
}

export async function attachedCount(d1: D1Database, subject: Subject): Promise<number> {
  const row = await d1
    .prepare("SELECT COUNT(*) AS n FROM photos WHERE subject_kind = ?1 AND subject_id = ?2 AND state = 'attached'")
    .bind(subject.kind, subject.id)
    .first<{ n: number }>();
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
export function storedPhotoStatements(d1: D1Database, photo: IncomingPhoto, subject: Subject | null): D1PreparedStatement[] {
  const place = subject ? subjectKey(subject) : heldKey(photo.senderCode);
  const dedupeKey = `${place}:${photo.sha256}`;
  const common = [photo.senderCode, photo.messageId, photo.fileKey, photo.sha256, photo.size, photo.contentType, photo.receivedAt];
  const insert = subject
    ? d1
        .prepare(
          `${INSERT_WITH_IMAGE_SQL} SELECT ?1, ?2, ?3, 'attached', NULL, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?13
           WHERE (SELECT COUNT(*) FROM photos WHERE subject_kind = ?2 AND subject_id = ?3 AND state = 'attached') < ?12
           ON CONFLICT DO NOTHING`,
        )
        .bind(dedupeKey, subject.kind, subject.id, ...common.slice(0, 6), photo.r2Key ?? r2KeyOf(photo.sha256), photo.receivedAt, MAX_PHOTOS_PER_SUBJECT, photo.imageKey ?? null)
    : d1
        .prepare(`${INSERT_WITH_IMAGE_SQL} VALUES (?1, 'held', NULL, 'held', NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING`)
        .bind(dedupeKey, ...common.slice(0, 6), photo.r2Key ?? r2KeyOf(photo.sha256), photo.receivedAt, photo.imageKey ?? null);
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
): D1PreparedStatement {
  return d1
    .prepare(`${INSERT_SQL} VALUES ('refused:' || ?1 || ':' || ?2, ?3, ?4, 'refused', ?5, ?6, ?1, ?2, ?7, ?8, ?9, NULL, ?10) ON CONFLICT DO NOTHING`)
    .bind(photo.messageId, photo.fileKey, subject?.kind ?? "held", subject?.id ?? null, refusal, photo.senderCode, photo.sha256 ?? "", photo.size, photo.contentType ?? "", photo.receivedAt);
}

/** The newest row one message of this sender made. */
export async function newestOfMessage(d1: D1Database, senderCode: string, messageId: string): Promise<number | null> {
  const row = await d1.prepare("SELECT MAX(id) AS id FROM photos WHERE message_id = ?1 AND sender_code = ?2").bind(messageId, senderCode).first<{ id: number | null }>();
  return row?.id ?? null;
}

/** The image_key these bytes already have in Feishu (an upload of the same sha256), if any. */
export async function uploadedImageKey(d1: D1Database, sha256: string): Promise<string | null> {
  const row = await d1.prepare("SELECT image_key AS imageKey FROM photos WHERE sha256 = ?1 AND image_key IS NOT NULL LIMIT 1").bind(sha256).first<{ imageKey: string }>();
  return row?.imageKey ?? null;
}

/** The newest photo row of this sender not yet counted in an answer. */
export async function latestUnanswered(d1: D1Database, senderCode: string): Promise<number | null> {
  const row = await d1.prepare("SELECT MAX(id) AS id FROM photos WHERE sender_code = ?1 AND answered_at IS NULL").bind(senderCode).first<{ id: number | null }>();
  return row?.id ?? null;
}

export async function unansweredUpTo(d1: D1Database, senderCode: string, upToId: number): Promise<PhotoRow[]> {
  const { results } = await d1
    .prepare(`SELECT ${PHOTO_COLUMNS} FROM photos WHERE sender_code = ?1 AND answered_at IS NULL AND id <= ?2 ORDER BY id`)
    .bind(senderCode, upToId)
    .all<PhotoRow>();
  return results;
}

export function markAnsweredStatement(d1: D1Database, senderCode: string, upToId: number, nowMs: number): D1PreparedStatement {
  return d1.prepare("UPDATE photos SET answered_at = ?3 WHERE sender_code = ?1 AND answered_at IS NULL AND id <= ?2").bind(senderCode, upToId, nowMs);
}

/** The photos shown for a report or order, oldest first. */
export async function photosOf(d1: D1Database, subject: Subject, limit = MAX_PHOTOS_PER_SUBJECT): Promise<PhotoRow[]> {
  const { results } = await d1
    .prepare(`SELECT ${PHOTO_COLUMNS} FROM photos WHERE subject_kind = ?1 AND subject_id = ?2 AND state = 'attached' ORDER BY id LIMIT ?3`)
    .bind(subject.kind, subject.id, limit)
    .all<PhotoRow>();
  return results;
}

/** Attached photo counts of many reports or orders (one query). */
export async function photoCounts(d1: D1Database, kind: Subject["kind"], ids: readonly number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const { results } = await d1
    .prepare("SELECT subject_id AS id, COUNT(*) AS n FROM photos WHERE subject_kind = ?1 AND state = 'attached' AND subject_id IN (SELECT value FROM json_each(?2)) GROUP BY subject_id")
    .bind(kind, JSON.stringify([...new Set(ids)]))
    .all<{ id: number; n: number }>();
  return new Map(results.map((row) => [row.id, row.n]));
}

export function setImageKeyStatement(d1: D1Database, photoId: number, imageKey: string): D1PreparedStatement {
  return d1.prepare("UPDATE photos SET image_key = ?2 WHERE id = ?1").bind(photoId, imageKey);
}

/** The sender's held photos still within their time to live. */
export async function heldPhotos(d1: D1Database, senderCode: string, sinceMs: number): Promise<PhotoRow[]> {
  const { results } = await d1
    .prepare(`SELECT ${PHOTO_COLUMNS} FROM photos WHERE sender_code = ?1 AND state = 'held' AND received_at >= ?2 ORDER BY id`)
    .bind(senderCode, sinceMs)
    .all<PhotoRow>();
  return results;
}

export async function attachedSha256s(d1: D1Database, subject: Subject): Promise<string[]> {
  const { results } = await d1
    .prepare("SELECT sha256 FROM photos WHERE subject_kind = ?1 AND subject_id = ?2 AND state = 'attached'")
    .bind(subject.kind, subject.id)
    .all<{ sha256: string }>();
  return results.map((row) => row.sha256);
}

/** Held photos moved to a subject (only while still held: a double click moves nothing twice). */
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

/** Photos past the retention (or held past their time to live, or refused a day ago), oldest first. */
export async function expiredPhotos(d1: D1Database, retainedSince: number, heldSince: number, limit: number): Promise<{ id: number; r2Key: string | null }[]> {
  const { results } = await d1
    .prepare(
      `SELECT id, r2_key AS r2Key FROM photos WHERE received_at < ?1 OR (state IN ('held', 'refused') AND received_at < ?2) ORDER BY id LIMIT ?3`,
    )
    .bind(retainedSince, heldSince, limit)
    .all<{ id: number; r2Key: string | null }>();
  return results;
}

/** Stored photos (attached or held) whose upload to Feishu failed so far, oldest first. */
export async function photosWithoutImageKey(d1: D1Database, limit: number): Promise<PhotoRow[]> {
  const { results } = await d1
    .prepare(`SELECT ${PHOTO_COLUMNS} FROM photos WHERE image_key IS NULL AND r2_key IS NOT NULL AND state IN ('attached', 'held') ORDER BY id LIMIT ?1`)
    .bind(limit)
    .all<PhotoRow>();
  return results;
}
