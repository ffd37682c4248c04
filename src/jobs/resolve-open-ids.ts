import { logger } from "../log.ts";
import type { Job } from "./types.ts";

const BATCH = 200;
/** Someone Feishu does not know today may join the tenant later: ask again after a day. */
const RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * People imported without an open_id (e.g. with `npm run roster`) are looked
 * up by mobile or email, a batch per run; misses are remembered for a day.
 */
export const resolveOpenIds: Job = {
  name: "resolve_open_ids",
  async run(services) {
    const { d1, nowMs } = services;
    const pending = await d1
      .prepare(
        `SELECT code, mobile, email FROM people
         WHERE open_id IS NULL AND active = 1 AND (mobile IS NOT NULL OR email IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM cache_entries WHERE key = 'resolve-miss:' || people.code AND expires_at > ?1)
         ORDER BY code LIMIT ?2`,
      )
      .bind(nowMs, BATCH)
      .all<{ code: string; mobile: string | null; email: string | null }>();
    if (pending.results.length === 0) return "nothing_to_resolve";
    let found: Map<string, string>;
    try {
      found = await services.feishu().openIdsFor(
        pending.results.flatMap((p) => (p.mobile ? [p.mobile] : [])),
        pending.results.flatMap((p) => (p.email ? [p.email] : [])),
      );
    } catch (error) {
      logger.error({ ref: services.ref, route: "job:resolve_open_ids", outcome: "lookup_failed" }, error);
      return "lookup_failed";
    }
    const resolved: { code: string; openId: string }[] = [];
    const missed: string[] = [];
    for (const person of pending.results) {
      const openId = (person.mobile && found.get(person.mobile)) || (person.email && found.get(person.email));
      if (openId) resolved.push({ code: person.code, openId });
      else missed.push(person.code);
    }
    if (resolved.length) {
      services.uow.write(
        d1
          .prepare(
            `UPDATE people SET open_id = (SELECT json_extract(value, '$.openId') FROM json_each(?1) WHERE json_extract(value, '$.code') = people.code), updated_at = ?2
             WHERE code IN (SELECT json_extract(value, '$.code') FROM json_each(?1))
               AND NOT EXISTS (SELECT 1 FROM people AS other WHERE other.open_id = (SELECT json_extract(value, '$.openId') FROM json_each(?1) WHERE json_extract(value, '$.code') = people.code))`,
          )
          .bind(JSON.stringify(resolved), nowMs),
      );
    }
    if (missed.length) {
      services.uow.write(
        d1
          .prepare(
            `INSERT INTO cache_entries (key, value, expires_at) SELECT 'resolve-miss:' || value, '1', ?2 FROM json_each(?1) WHERE true
             ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at`,
          )
          .bind(JSON.stringify(missed), nowMs + RETRY_AFTER_MS),
      );
    }
    return `resolved=${resolved.length} missed=${missed.length}`;
  },
};
