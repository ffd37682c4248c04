import { retryDead } from "../usecases/delivery-ops.ts";
import type { CardActionHandler } from "./types.ts";

export const OUTBOX_RETRY_ACTION = "outbox_retry";

/**
 * The `retry` button of `发送状态`: dead rows (up to the id the card was built
 * with) go back to pending with their attempts reset, and are queued again
 * after the commit, each with a new deadline. Managers only; a stranger's click changes nothing. Rows that
 * died `unsure` (an attempt may have arrived, Feishu's uuid window is over) are retried too, with a warning
 * that their recipients may get them twice. The retry itself: usecases/delivery-ops.ts.
 */
export const outboxRetry: CardActionHandler = {
  name: OUTBOX_RETRY_ACTION,
  policy: { acts: "office", roles: ["manager", "admin"], reach: "scope" },
  roleRefusal: (t) => t.delivery.retryRefused,
  async run(ctx) {
    if (!ctx.actor) return { toast: { type: "error", content: ctx.t.common.cardStranger } };
    const maxId = ctx.value.maxId;
    if (typeof maxId !== "number" || !Number.isSafeInteger(maxId) || maxId < 1) return { toast: { type: "error", content: ctx.t.common.cardExpired } };
    const result = await retryDead(ctx, { actor: ctx.actor, maxId });
    if (!result.ok) return { toast: { type: "info", content: ctx.t.delivery.nothingToRetry } };
    if (result.unsure > 0) return { toast: { type: "warning", content: ctx.t.delivery.retriedUnsure(result.count, result.unsure) } };
    return { toast: { type: "success", content: ctx.t.delivery.retried(result.count) } };
  },
};
