/** `reopen <number> <reason>` / `退回 <编号> <原因>`: a manager sends a report (or a closed order) back for more rectification. */
import { notifyPeople, queueTransition, recipientsOfOrder } from "../db/orders.ts";
import { MAX_NOTE_TEXT, transition } from "../domain/orders.ts";
import { localDate } from "../domain/time.ts";
import { escapeMarkdown, textContent } from "../feishu/cards/kit.ts";
import { orderCard } from "../feishu/cards/order-card.ts";
import { orderFromArgs } from "./order-show.ts";
import { MANAGERS, type Command } from "./types.ts";

export const orderReopen: Command = {
  name: "reopen",
  aliases: ["退回", "退回整改"],
  roles: MANAGERS,
  help: (t) => t.orders.reopenLine,
  async run(ctx) {
    const { t } = ctx;
    const found = await orderFromArgs(ctx, ctx.argv, t.orders.reopenUsage);
    if (!found) return;
    const { order } = found;
    const reason = found.rest.join(" ").trim();
    if (!reason) return ctx.reply(textContent(t.orders.reopenUsage));
    if (reason.length > MAX_NOTE_TEXT) return ctx.reply(textContent(t.orders.noteTooLong(MAX_NOTE_TEXT)));
    const step = transition("reopen", order.status, "manager", order.kind);
    if (!step.ok) return ctx.reply(textContent(`${order.number}：${t.orders.refusals[step.reason]}`));
    queueTransition(ctx, order, { to: step.to, actorCode: ctx.actor.code, action: "sent_back", note: reason, set: { closed_at: null } });
    const timeZone = ctx.config.TIMEZONE;
    const today = localDate(ctx.nowMs, timeZone);
    const reopened = { ...order, status: step.to };
    notifyPeople(ctx, await recipientsOfOrder(ctx.d1, order), (p) => `order:${order.number}:sent-back:${ctx.nowMs}:${p.code}`, (pt) =>
      orderCard(pt, reopened, {
        today,
        timeZone,
        title: pt.orders.sentBackTitle(order.number),
        template: "orange",
        intro: pt.orders.sentBackIntro(escapeMarkdown(reason)),
        actions: true,
      }),
    );
    ctx.reply(textContent(t.orders.reopenedAnswer(order.number)));
  },
};
