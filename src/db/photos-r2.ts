/**
 * Photo bytes in R2: the key a photo's bytes are stored under, and the R2 objects to delete (marked when no row
 * refers to them any more, then claimed and swept), with the deletion of expired rows (re-exported by photos.ts).
 */

export const r2KeyOf = (sha256: string) => `photos/${sha256}`;

// ---------------------------------------------------------------- R2 objects to delete (mark, then sweep)

const UNREFERENCED = "NOT EXISTS (SELECT 1 FROM photos WHERE photos.r2_key = photo_deletions.r2_key)";

/** Marks for deletion those of these R2 keys no remaining row refers to (a key already marked or being deleted stays as it is). */
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
  const [, claimed] = await d1.batch([
    d1.prepare(`DELETE FROM photo_deletions WHERE state = 'marked' AND NOT ${UNREFERENCED}`),
    d1
      .prepare(
        `UPDATE photo_deletions SET state = 'deleting', marked_at = ?2
         WHERE r2_key IN (SELECT r2_key FROM photo_deletions WHERE marked_at < ?1 AND ${UNREFERENCED} ORDER BY marked_at LIMIT ?3)
         RETURNING r2_key AS key`,
      )
      .bind(markedBefore, nowMs, limit),
  ]);
  return ((claimed?.results ?? []) as { key: string }[]).map((row) => row.key);
}

export function deletionsDoneStatement(d1: D1Database, keys: readonly string[]): D1PreparedStatement {
  return d1.prepare("DELETE FROM photo_deletions WHERE state = 'deleting' AND r2_key IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(keys));
}

/**
 * The R2 key a received photo may store its bytes under: `photos/<sha256>` (its mark for deletion, if any, removed),
 * unless a sweep is deleting that object right now; then a key of its own (`photos/<sha256>/<suffix>`), so the sweep
 * cannot delete the bytes this photo's row will point at.
 */
export async function claimR2Key(d1: D1Database, sha256: string, suffix: string): Promise<string> {
  const key = r2KeyOf(sha256);
  const [, left] = await d1.batch([
    d1.prepare("DELETE FROM photo_deletions WHERE r2_key = ?1 AND state = 'marked'").bind(key),
    d1.prepare("SELECT 1 AS deleting FROM photo_deletions WHERE r2_key = ?1").bind(key),
  ]);
  return (left?.results ?? []).length ? `${key}/${suffix}` : key;
}

export function deletePhotosStatement(d1: D1Database, ids: readonly number[]): D1PreparedStatement {
  return d1.prepare("DELETE FROM photos WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(ids));
}
