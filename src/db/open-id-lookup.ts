/** People still without an open_id, and what the background lookup learns about them (jobs/resolve-open-ids.ts). */
import { and, eq, gt, isNotNull, isNull, notExists, or, sql } from "drizzle-orm";
import { openDb } from "./client.ts";
import { cacheEntries, people } from "./schema.ts";

export interface PersonToResolve {
  code: string;
  mobile: string | null;
  email: string | null;
}

/** Active people without an open_id who have a mobile or an email and no remembered miss at `nowMs`, by code. */
export async function peopleToResolve(d1: D1Database, nowMs: number, limit: number): Promise<PersonToResolve[]> {
  const db = openDb(d1);
  return db
    .select({ code: people.code, mobile: people.mobile, email: people.email })
    .from(people)
    .where(
      and(
        isNull(people.openId),
        eq(people.active, true),
        or(isNotNull(people.mobile), isNotNull(people.email)),
        notExists(
          db
            .select({ one: sql`1` })
            .from(cacheEntries)
            .where(and(eq(cacheEntries.key, sql`'resolve-miss:' || ${people.code}`), gt(cacheEntries.expiresAt, nowMs))),
        ),
      ),
    )
    .orderBy(people.code)
    .limit(limit);
}

/** Stores the open_ids found (json_each; an open_id someone else already has is left alone): hand-written, a json_each fan-out with a conditional guard. */
export function storeResolvedOpenIds(d1: D1Database, resolved: readonly { code: string; openId: string }[], nowMs: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE people SET open_id = (SELECT json_extract(value, '$.openId') FROM json_each(?1) WHERE json_extract(value, '$.code') = people.code), updated_at = ?2
       WHERE code IN (SELECT json_extract(value, '$.code') FROM json_each(?1))
         AND NOT EXISTS (SELECT 1 FROM people AS other WHERE other.open_id = (SELECT json_extract(value, '$.openId') FROM json_each(?1) WHERE json_extract(value, '$.code') = people.code))`,
    )
    .bind(JSON.stringify(resolved), nowMs);
}

/** Remembers the people Feishu did not know until `expiresAt` (json_each into cache_entries: hand-written, drizzle has no insert-from-JSON). */
export function rememberMisses(d1: D1Database, codes: readonly string[], expiresAt: number): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO cache_entries (key, value, expires_at) SELECT 'resolve-miss:' || value, '1', ?2 FROM json_each(?1) WHERE true
       ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at`,
    )
    .bind(JSON.stringify(codes), expiresAt);
}
