/** `cancel <number> <reason>` / `撤销 <编号> <原因>`: a manager withdraws an open order. */
import { notifyPeople, queueTransition, recipientsOfOrder } from "../db/orders.ts";
import { MAX_NOTE_TEXT, transition } from "../domain/orders.ts";
import { localDate } from "../domain/time.ts";
import { escapeMarkdown, textContent } from "../feishu/cards/kit.ts";
import { orderCard } from "../feishu/cards/order-card.ts";
import { orderFromArgs } from "./order-show.ts";
import { MANAGERS, type Command } from "./types.ts";

export const orderCancel: Command = {
  name: "cancel",
  aliases: ["撤销"],
  roles: MANAGERS,
  help: (t) => t.orders.cancelLine,
  async run(ctx) {
    const { t } = ctx;
    const found = await orderFromArgs(ctx, ctx.argv, t.orders.cancelUsage);
    if (!found) return;
    const { order } = found;
    const reason = found.rest.join(" ").trim();
    if (!reason) return ctx.reply(textContent(t.orders.cancelUsage));
    if (reason.length > MAX_NOTE_TEXT) return ctx.reply(textContent(t.orders.noteTooLong(MAX_NOTE_TEXT)));
    const step = transition("cancel", order.status, "manager", order.kind);
    if (!step.ok) return ctx.reply(textContent(`${order.number}：${t.orders.refusals[step.reason]}`));
    queueTransition(ctx, order, { to: step.to, actorCode: ctx.actor.code, action: "cancelled", note: reason });
    const timeZone = ctx.config.TIMEZONE;
    const today = localDate(ctx.nowMs, timeZone);
    const cancelled = { ...order, status: step.to };
    notifyPeople(ctx, await recipientsOfOrder(ctx.d1, order), (p) => `order:${order.number}:cancelled:${p.code}`, (pt) =>
      orderCard(pt, cancelled, { today, timeZone, title: pt.orders.cancelledTitle(order.number), intro: pt.orders.cancelledIntro(escapeMarkdown(reason)) }),
    );
    ctx.reply(textContent(t.orders.cancelledAnswer(order.number)));
  },
};
