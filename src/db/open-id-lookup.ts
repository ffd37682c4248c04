/** People still without an open_id, and what the background lookup learns about them (jobs/resolve-open-ids.ts). */

export interface PersonToResolve {
  code: string;
  mobile: string | null;
  email: string | null;
}

/** Active people without an open_id who have a mobile or an email and no remembered miss at `nowMs`, by code. */
export async function peopleToResolve(d1: D1Database, nowMs: number, limit: number): Promise<PersonToResolve[]> {
  const { results } = await d1
    .prepare(
      `SELECT code, mobile, email FROM people
       WHERE open_id IS NULL AND active = 1 AND (mobile IS NOT NULL OR email IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM cache_entries WHERE key = 'resolve-miss:' || people.code AND expires_at > ?1)
       ORDER BY code LIMIT ?2`,
    )
    .bind(nowMs, limit)
    .all<PersonToResolve>();
  return results;
}

/** Stores the open_ids found (json_each; an open_id someone else already has is left alone). */
export function storeResolvedOpenIds(d1: D1Database, resolved: readonly { code: string; openId: string }[], nowMs: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE people SET open_id = (SELECT json_extract(value, '$.openId') FROM json_each(?1) WHERE json_extract(value, '$.code') = people.code), updated_at = ?2
       WHERE code IN (SELECT json_extract(value, '$.code') FROM json_each(?1))
         AND NOT EXISTS (SELECT 1 FROM people AS other WHERE other.open_id = (SELECT json_extract(value, '$.openId') FROM json_each(?1) WHERE json_extract(value, '$.code') = people.code))`,
    )
    .bind(JSON.stringify(resolved), nowMs);
}

/** Remembers the people Feishu did not know until `expiresAt` (json_each into cache_entries). */
export function rememberMisses(d1: D1Database, codes: readonly string[], expiresAt: number): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO cache_entries (key, value, expires_at) SELECT 'resolve-miss:' || value, '1', ?2 FROM json_each(?1) WHERE true
       ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at`,
    )
    .bind(JSON.stringify(codes), expiresAt);
}
