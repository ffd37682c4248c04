/**
 * Photo bytes in R2: the key a photo's bytes are stored under, and the R2 objects to delete (marked when no row
 * refers to them any more, then claimed and swept), with the deletion of expired rows (re-exported by photos.ts).
 */
import { and, asc, eq, exists, inArray, lt, notExists, or, sql } from "drizzle-orm";
import { openDb, type Db } from "./client.ts";
import { inJson } from "./fragments.ts";
import { photoDeletions, photos } from "./schema.ts";

export const r2KeyOf = (sha256: string) => `photos/${sha256}`;

// ---------------------------------------------------------------- R2 objects to delete (mark, then sweep)

/** A photo row refers to the mark's key (the mark of the innermost `photo_deletions` in scope). */
const referenced = (db: Db) => db.select({ one: sql`1` }).from(photos).where(eq(photos.r2Key, photoDeletions.r2Key));

/**
 * Marks for deletion those of these R2 keys no remaining row refers to (a key already marked or being deleted stays as it is).
 * Hand-written: an INSERT … SELECT over json_each(?) (one bound list; drizzle has no insert from JSON rows).
 */
export function markUnreferencedStatement(d1: D1Database, keys: readonly string[], nowMs: number): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO photo_deletions (r2_key, state, marked_at)
       SELECT value, 'marked', ?2 FROM json_each(?1) WHERE value NOT IN (SELECT r2_key FROM photos WHERE r2_key IS NOT NULL)
       ON CONFLICT(r2_key) DO NOTHING`,
    )
    .bind(JSON.stringify([...new Set(keys)]), nowMs);
}

/**
 * Claims the marks older than `markedBefore` whose key is still unreferenced (and claims left `deleting` that
 * long by a sweep that did not finish): they become `deleting`, and their keys are returned to delete from R2.
 * Marks whose key is referenced again are dropped.
 */
export async function claimDeletions(d1: D1Database, markedBefore: number, nowMs: number, limit: number): Promise<string[]> {
  const db = openDb(d1);
  const [, claimed] = await db.batch([
    db.delete(photoDeletions).where(and(eq(photoDeletions.state, "marked"), exists(referenced(db)))),
    db
      .update(photoDeletions)
      .set({ state: "deleting", markedAt: nowMs })
      .where(
        inArray(
          photoDeletions.r2Key,
          db
            .select({ r2Key: photoDeletions.r2Key })
            .from(photoDeletions)
            .where(and(lt(photoDeletions.markedAt, markedBefore), notExists(referenced(db))))
            .orderBy(asc(photoDeletions.markedAt))
            .limit(limit),
        ),
      )
      .returning({ key: photoDeletions.r2Key }),
  ]);
  return claimed.map((row) => row.key);
}

export function deletionsDoneStatement(d1: D1Database, keys: readonly string[]) {
  return openDb(d1)
    .delete(photoDeletions)
    .where(and(eq(photoDeletions.state, "deleting"), inJson(photoDeletions.r2Key, keys)));
}

/**
 * The R2 key a received photo may store its bytes under: `photos/<sha256>` (its mark for deletion, if any, removed),
 * unless a sweep is deleting that object right now; then a key of its own (`photos/<sha256>/<suffix>`), so the sweep
 * cannot delete the bytes this photo's row will point at.
 */
export async function claimR2Key(d1: D1Database, sha256: string, suffix: string): Promise<string> {
  const db = openDb(d1);
  const key = r2KeyOf(sha256);
  const [, left] = await db.batch([
    db.delete(photoDeletions).where(and(eq(photoDeletions.r2Key, key), eq(photoDeletions.state, "marked"))),
    db.select({ deleting: sql<number>`1`.as("deleting") }).from(photoDeletions).where(eq(photoDeletions.r2Key, key)),
  ]);
  return left.length ? `${key}/${suffix}` : key;
}

/** Hand-written: it goes into one `d1.batch` with `markUnreferencedStatement` (housekeeping), which takes prepared statements. */
export function deletePhotosStatement(d1: D1Database, ids: readonly number[]): D1PreparedStatement {
  return d1.prepare("DELETE FROM photos WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(ids));
}

/** Photos past the retention (or held past their time to live, or refused a day ago), oldest first. */
export async function expiredPhotos(d1: D1Database, retainedSince: number, heldSince: number, limit: number): Promise<{ id: number; r2Key: string | null }[]> {
  return openDb(d1)
    .select({ id: photos.id, r2Key: photos.r2Key })
    .from(photos)
    .where(or(lt(photos.receivedAt, retainedSince), and(inArray(photos.state, ["held", "refused"]), lt(photos.receivedAt, heldSince))))
    .orderBy(asc(photos.id))
    .limit(limit);
}
