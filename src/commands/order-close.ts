/** `close <number> [note]` / `销号 <编号> [说明]`: a manager verifies the rectification and closes the order. */
import { notifyPeople, queueTransition, recipientsOfOrder } from "../db/orders.ts";
import { MAX_NOTE_TEXT, transition } from "../domain/orders.ts";
import { localDate } from "../domain/time.ts";
import { escapeMarkdown, textContent } from "../feishu/cards/kit.ts";
import { orderCard } from "../feishu/cards/order-card.ts";
import { orderFromArgs } from "./order-show.ts";
import { MANAGERS, type Command } from "./types.ts";

export const orderClose: Command = {
  name: "close",
  aliases: ["销号", "核查销号"],
  roles: MANAGERS,
  help: (t) => t.orders.closeLine,
  async run(ctx) {
    const { t } = ctx;
    const found = await orderFromArgs(ctx, ctx.argv, t.orders.closeUsage);
    if (!found) return;
    const { order } = found;
    const note = found.rest.join(" ").trim();
    if (note.length > MAX_NOTE_TEXT) return ctx.reply(textContent(t.orders.noteTooLong(MAX_NOTE_TEXT)));
    const step = transition("close", order.status, "manager", order.kind);
    if (!step.ok) return ctx.reply(textContent(`${order.number}：${t.orders.refusals[step.reason]}`));
    queueTransition(ctx, order, { to: step.to, actorCode: ctx.actor.code, action: "closed", note: note || null, set: { closed_at: ctx.nowMs } });
    const timeZone = ctx.config.TIMEZONE;
    const today = localDate(ctx.nowMs, timeZone);
    const closed = { ...order, status: step.to };
    notifyPeople(ctx, await recipientsOfOrder(ctx.d1, order), (p) => `order:${order.number}:closed:${ctx.nowMs}:${p.code}`, (pt) =>
      orderCard(pt, closed, { today, timeZone, title: pt.orders.closedTitle(order.number), intro: pt.orders.closedIntro(escapeMarkdown(note)) }),
    );
    ctx.reply(textContent(t.orders.closedAnswer(order.number)));
  },
};
