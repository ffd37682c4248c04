/** The small shared cache (`cache_entries`): the tenant token, remembered misses of the open_id lookup, and its expiry. */
import { and, eq, gt, like, lt, sql } from "drizzle-orm";
import { openDb } from "./client.ts";
import { cacheEntries } from "./schema.ts";

/** The value under `key` while it has not expired at `nowMs`; null when absent or expired. */
export async function readCache(d1: D1Database, key: string, nowMs: number): Promise<string | null> {
  const row = await openDb(d1)
    .select({ value: cacheEntries.value })
    .from(cacheEntries)
    .where(and(eq(cacheEntries.key, key), gt(cacheEntries.expiresAt, nowMs)))
    .get();
  return row?.value ?? null;
}

/** Stores (or replaces) `key` until `expiresAt`. */
export async function writeCache(d1: D1Database, key: string, value: string, expiresAt: number): Promise<void> {
  await openDb(d1)
    .insert(cacheEntries)
    .values({ key, value, expiresAt })
    .onConflictDoUpdate({ target: cacheEntries.key, set: { value: sql`excluded.value`, expiresAt: sql`excluded.expires_at` } })
    .run();
}

/** Forgets every cached tenant access token (an invalid-token answer). */
export async function forgetTenantTokens(d1: D1Database): Promise<void> {
  await openDb(d1).delete(cacheEntries).where(like(cacheEntries.key, "%tenant-access-token%")).run();
}

/** Deletes the entries expired before `nowMs` (housekeeping). */
export async function purgeExpiredCache(d1: D1Database, nowMs: number): Promise<void> {
  await openDb(d1).delete(cacheEntries).where(lt(cacheEntries.expiresAt, nowMs)).run();
}
