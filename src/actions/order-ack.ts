/** 签收: the school's supervisor or contact acknowledges an order from its card (usecases/order-card-actions.ts). */
import { localDate } from "../domain/time.ts";
import { orderCard } from "../feishu/cards/order-card.ts";
import { acknowledgeOrder } from "../usecases/order-card-actions.ts";
import { orderForAction, toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

export const orderAck: CardActionHandler = {
  name: "order_ack",
  policy: { acts: "order", roles: "everyone", reach: "scope" },
  async run(ctx) {
    const found = await orderForAction(ctx, "acknowledge");
    if (!found.ok) return found.answer;
    const { order, actor } = found;
    const applied = acknowledgeOrder(ctx, { actor, order });
    const timeZone = ctx.config.TIMEZONE;
    const updated = orderCard(ctx.t, { ...order, status: "acknowledged" }, { today: localDate(ctx.nowMs, timeZone), timeZone, actions: true });
    return {
      afterCommit: () =>
        applied.held ? { ...toast("success", ctx.t.orders.acknowledgedToast(order.number)), card: { type: "raw", data: updated } } : toast("warning", ctx.t.orders.changedMeanwhile(order.number)),
    };
  },
};
