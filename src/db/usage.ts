/**
 * Two small things kept in tables the delivery code already owns: how often a person used the bot
 * in a window (`rate_counters`, keys `use:…`; the send limiter's sweep deletes expired rows), and
 * values worth caching across isolates (`cache_entries`, as the tenant token is).
 */
import { and, eq, gt, sql } from "drizzle-orm";
import { openDb } from "./client.ts";
import { cacheEntries } from "./schema.ts";

/**
 * One more use of `key`: the count in the window that started with the first use, `windowMs` long.
 * A redelivery of an event already claimed (`claimKeys` in processed_events) counts nothing and gives no row.
 * Hand-written: an INSERT … SELECT … WHERE NOT EXISTS (a conditional write drizzle cannot express), read in a raw batch.
 */
export function countUseStatement(d1: D1Database, key: string, nowMs: number, windowMs: number, claimKeys: readonly string[] = []): D1PreparedStatement {
  const claimed = claimKeys.length ? `NOT EXISTS (SELECT 1 FROM processed_events WHERE key IN (${claimKeys.map((_, i) => `?${4 + i}`).join(", ")}))` : "1 = 1";
  return d1
    .prepare(
      `INSERT INTO rate_counters (key, count, expires_at) SELECT ?1, 1, ?2 + ?3 WHERE ${claimed}
       ON CONFLICT(key) DO UPDATE SET
         count = CASE WHEN rate_counters.expires_at > ?2 THEN rate_counters.count + 1 ELSE 1 END,
         expires_at = CASE WHEN rate_counters.expires_at > ?2 THEN rate_counters.expires_at ELSE ?2 + ?3 END
       RETURNING count`,
    )
    .bind(key, nowMs, windowMs, ...claimKeys);
}

export async function countUse(d1: D1Database, key: string, nowMs: number, windowMs: number): Promise<number> {
  const row = await countUseStatement(d1, key, nowMs, windowMs).first<{ count: number }>();
  return row?.count ?? 1;
}

export async function cachedValue(d1: D1Database, key: string, nowMs: number): Promise<{ value: string; expiresAt: number } | null> {
  const row = await openDb(d1)
    .select({ value: cacheEntries.value, expiresAt: cacheEntries.expiresAt })
    .from(cacheEntries)
    .where(and(eq(cacheEntries.key, key), gt(cacheEntries.expiresAt, nowMs)))
    .get();
  return row ?? null;
}

export async function storeValue(d1: D1Database, key: string, value: string, expiresAt: number): Promise<void> {
  await openDb(d1)
    .insert(cacheEntries)
    .values({ key, value, expiresAt })
    .onConflictDoUpdate({ target: cacheEntries.key, set: { value: sql`excluded.value`, expiresAt: sql`excluded.expires_at` } })
    .run();
}
