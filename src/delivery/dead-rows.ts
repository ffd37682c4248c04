/** Dead outbox rows a manager may retry (the `retry` button of 发送状态): the rows in their office's scope, and the statement that revives them. */
import { and, eq, lte, not, sql } from "drizzle-orm";
import { openDb } from "../db/client.ts";
import { inJson } from "../db/fragments.ts";
import { outboxInScopeWhere } from "../db/offices.ts";
import { outbox } from "../db/schema.ts";
import type { OfficeScope } from "../domain/offices.ts";
import { CARD_UPDATE_MAX_AGE_MS, MAX_AGE_SQL } from "./give-up.ts";

/**
 * Up to `limit` dead rows with ids up to `maxId` whose recipient is within `scope`, oldest first; not a delayed card
 * update whose callback's token has run out at `nowMs` (Feishu would refuse it, 300030: give-up.ts).
 */
export async function deadRowsInScope(d1: D1Database, scope: OfficeScope, maxId: number, limit: number, nowMs: number): Promise<{ uuid: string; lastError: string | null }[]> {
  return openDb(d1)
    .select({ uuid: outbox.uuid, lastError: outbox.lastError })
    .from(outbox)
    .where(
      and(
        eq(outbox.state, "dead"),
        lte(outbox.id, maxId),
        outboxInScopeWhere(outbox.receiveId, scope),
        not(and(eq(outbox.operation, "card_update"), lte(sql`${outbox.createdAt} + ${CARD_UPDATE_MAX_AGE_MS}`, nowMs))!),
      ),
    )
    .orderBy(outbox.id)
    .limit(limit);
}

/**
 * These dead rows (ids up to `maxId`) back to pending, attempts reset and a new deadline from now: the manager's
 * `retry` button. Their time starts again and so does Feishu's uuid window: a row that died `unsure` may then
 * arrive twice, which the button's answer says. A delayed card update keeps its deadline from when it was written:
 * its callback's token does not start again (give-up.ts, CARD_UPDATE_MAX_AGE_MS).
 */
export function requeueDeadStatement(d1: D1Database, uuids: readonly string[], maxId: number, nowMs: number) {
  return openDb(d1)
    .update(outbox)
    .set({ state: "pending", attempts: 0, lastError: null, maybeSentAt: null, nextAttemptAt: nowMs, giveUpAt: sql`CASE WHEN ${outbox.operation} = 'card_update' THEN ${outbox.createdAt} ELSE ${nowMs} END + ${sql.raw(MAX_AGE_SQL)}`, updatedAt: nowMs })
    .where(and(eq(outbox.state, "dead"), lte(outbox.id, maxId), inJson(outbox.uuid, uuids)));
}
