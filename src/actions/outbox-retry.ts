import { isManager } from "../db/people.ts";
import { deathCause } from "../delivery/give-up.ts";
import { REQUEUE_DEAD_SQL } from "../delivery/sweeper.ts";
import { outboxInScopeSql, outboxScopeParams } from "../db/offices.ts";
import type { CardActionHandler } from "./types.ts";

export const OUTBOX_RETRY_ACTION = "outbox_retry";
/** One click re-queues at most this many dead rows (the rest stay listed for the next click). */
const RETRY_LIMIT = 3_000;

/**
 * The `retry` button of `发送状态`: dead rows (up to the id the card was built
 * with) go back to pending with their attempts reset, and are queued again
 * after the commit, each with a new deadline. Managers only; a stranger's click changes nothing. Rows that
 * died `unsure` (an attempt may have arrived, Feishu's uuid window is over) are retried too, with a warning
 * that their recipients may get them twice.
 */
export const outboxRetry: CardActionHandler = {
  name: OUTBOX_RETRY_ACTION,
  policy: { acts: "office", roles: ["manager", "admin"], reach: "scope" },
  roleRefusal: (t) => t.delivery.retryRefused,
  async run(ctx) {
    if (!ctx.actor) return { toast: { type: "error", content: ctx.t.common.cardStranger } };
    const maxId = ctx.value.maxId;
    if (typeof maxId !== "number" || !Number.isSafeInteger(maxId) || maxId < 1) return { toast: { type: "error", content: ctx.t.common.cardExpired } };
    const dead = await ctx.d1
      .prepare(`SELECT uuid, last_error FROM outbox WHERE state = 'dead' AND id <= ?1 AND ${outboxInScopeSql(3)} ORDER BY id LIMIT ?2`)
      .bind(maxId, RETRY_LIMIT, ...outboxScopeParams(ctx.actor.scope))
      .all<{ uuid: string; last_error: string | null }>();
    const uuids = dead.results.map((row) => row.uuid);
    if (uuids.length === 0) return { toast: { type: "info", content: ctx.t.delivery.nothingToRetry } };
    ctx.uow.write(
      ctx.d1.prepare(`${REQUEUE_DEAD_SQL} AND uuid IN (SELECT value FROM json_each(?3))`).bind(ctx.nowMs, maxId, JSON.stringify(uuids)),
    );
    ctx.uow.requeue(...uuids);
    const unsure = dead.results.filter((row) => deathCause(row.last_error) === "unsure").length;
    if (unsure > 0) return { toast: { type: "warning", content: ctx.t.delivery.retriedUnsure(uuids.length, unsure) } };
    return { toast: { type: "success", content: ctx.t.delivery.retried(uuids.length) } };
  },
};
