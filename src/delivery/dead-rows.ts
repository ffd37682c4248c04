/** Dead outbox rows a manager may retry (the `retry` button of 发送状态): the rows in their office's scope, and the statement that revives them. */
import { outboxInScopeSql, outboxScopeParams } from "../db/offices.ts";
import type { OfficeScope } from "../domain/offices.ts";
import { REQUEUE_DEAD_SQL } from "./sweeper.ts";
import { CARD_UPDATE_MAX_AGE_MS } from "./give-up.ts";

/**
 * Up to `limit` dead rows with ids up to `maxId` whose recipient is within `scope`, oldest first; not a delayed card
 * update whose callback's token has run out at `nowMs` (Feishu would refuse it, 300030: give-up.ts).
 */
export async function deadRowsInScope(d1: D1Database, scope: OfficeScope, maxId: number, limit: number, nowMs: number): Promise<{ uuid: string; lastError: string | null }[]> {
  const { results } = await d1
    .prepare(
      `SELECT uuid, last_error AS lastError FROM outbox WHERE state = 'dead' AND id <= ?1 AND ${outboxInScopeSql(3)}
         AND NOT (operation = 'card_update' AND created_at + ${CARD_UPDATE_MAX_AGE_MS} <= ?6) ORDER BY id LIMIT ?2`,
    )
    .bind(maxId, limit, ...outboxScopeParams(scope), nowMs)
    .all<{ uuid: string; lastError: string | null }>();
  return results;
}

/** These dead rows (ids up to `maxId`) back to pending, attempts reset and a new deadline from now. */
export function requeueDeadStatement(d1: D1Database, uuids: readonly string[], maxId: number, nowMs: number): D1PreparedStatement {
  return d1.prepare(`${REQUEUE_DEAD_SQL} AND uuid IN (SELECT value FROM json_each(?3))`).bind(nowMs, maxId, JSON.stringify(uuids));
}
