/** 提交整改报告: the rectification report form on the order card (what was done, done / partly done, attachment links); usecases/order-card-actions.ts. */
import { MAX_LINKS_TEXT, MAX_NOTE_TEXT } from "../domain/orders.ts";
import { localDate } from "../domain/time.ts";
import { orderCard } from "../feishu/cards/order-card.ts";
import { reportOnOrder } from "../usecases/order-card-actions.ts";
import { orderForAction, stringField, toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

export const orderReport: CardActionHandler = {
  name: "order_report",
  policy: { acts: "order", roles: "everyone", reach: "scope" },
  async run(ctx) {
    const found = await orderForAction(ctx, "report");
    if (!found.ok) return found.answer;
    const { order, actor } = found;
    const { t } = ctx;
    const done = stringField(ctx.formValue, "done");
    const result = stringField(ctx.formValue, "result");
    const links = stringField(ctx.formValue, "links");
    if (!done || done.length > MAX_NOTE_TEXT || (result !== "done" && result !== "partly") || links.length > MAX_LINKS_TEXT) return toast("error", t.orders.badReport);
    const note = t.orders.reportNote(t.orders.results[result], done, links);
    const applied = await reportOnOrder(ctx, { actor, order, note, data: { result, done, links } });
    const timeZone = ctx.config.TIMEZONE;
    const today = localDate(ctx.nowMs, timeZone);
    const reported = { ...order, status: "reported" as const };
    return {
      afterCommit: () =>
        applied.held
          ? { ...toast("success", t.orders.reportedToast(order.number)), card: { type: "raw", data: orderCard(t, reported, { today, timeZone, actions: true }) } }
          : toast("warning", t.orders.changedMeanwhile(order.number)),
    };
  },
};
