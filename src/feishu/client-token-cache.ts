import { readCache, forgetTenantTokens, writeCache } from "../db/cache.ts";

const isolateTokenMemo = new Map<string, { value: string; expiresAt: number }>();

/** The SDK's token cache interface, kept in D1's cache_entries table. */
export function d1TokenCache(d1: D1Database) {
  const keyOf = (key: string | symbol | Symbol, namespace?: string) => `${namespace ?? ""}/${String(key)}`;
  // The isolate's copy (for a minute): one D1 read per isolate and minute, not one per send or batch.
  const memo = isolateTokenMemo;
  return {
    async get(key: string | Symbol, options?: { namespace?: string }) {
      const remembered = memo.get(keyOf(key, options?.namespace));
      if (remembered && remembered.expiresAt > Date.now()) return remembered.value;
      // A cache: with D1 down the SDK fetches a fresh token (two stay valid together) and the send goes on.
      const value = await readCache(d1, keyOf(key, options?.namespace), Date.now()).catch(() => null);
      if (value !== null) memo.set(keyOf(key, options?.namespace), { value, expiresAt: Date.now() + 60_000 });
      return value ?? undefined;
    },
    async set(key: string | Symbol, value: unknown, expire?: number, options?: { namespace?: string }) {
      await writeCache(d1, keyOf(key, options?.namespace), String(value), expire ?? Date.now() + 3_600_000).catch(() => undefined);
      memo.set(keyOf(key, options?.namespace), { value: String(value), expiresAt: expire ?? Date.now() + 3_600_000 });
      return true;
    },
    async clear() {
      memo.clear();
      await forgetTenantTokens(d1);
    },
  };
}
