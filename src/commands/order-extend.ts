/** `extend <number> <due>` / `延期 <编号> <新期限>`: a manager moves the due date of an open order. */
import { recipientsOfOrder } from "../db/orders.ts";
import { notifyChange, queueTransition } from "../usecases/orders.ts";
import { checkDueDate, transition } from "../domain/orders.ts";
import { localDate, parseDate } from "../domain/time.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { orderCard } from "../feishu/cards/order-card.ts";
import { orderFromArgs } from "./order-show.ts";
import { MANAGERS, type Command } from "./types.ts";

export const orderExtend: Command = {
  name: "extend",
  aliases: ["延期"],
  policy: { acts: "order", roles: MANAGERS, reach: "scope" },
  help: (t) => t.orders.extendLine,
  async run(ctx) {
    const { t } = ctx;
    const found = await orderFromArgs(ctx, ctx.argv, t.orders.extendUsage);
    if (!found) return;
    const { order } = found;
    const step = transition("extend", order.status, "manager", order.kind);
    if (!step.ok) return ctx.reply(textContent(`${order.number}：${t.orders.refusals[step.reason]}`));
    const timeZone = ctx.config.TIMEZONE;
    const today = localDate(ctx.nowMs, timeZone);
    const dueText = found.rest.join(" ").trim();
    if (!dueText) return ctx.reply(textContent(t.orders.extendUsage));
    const parsed = parseDate(dueText, ctx.nowMs, timeZone);
    const due = checkDueDate(parsed, today);
    if (!due.ok) {
      const message = due.reason === "past" ? t.orders.duePast(parsed!) : due.reason === "too_far" ? t.orders.dueTooFar(parsed!) : t.orders.badDue(dueText);
      return ctx.reply(textContent(`${message}\n${t.orders.extendUsage}`));
    }
    if (due.due === order.dueDate) return ctx.reply(textContent(t.orders.sameDue(order.number, due.due)));
    const applied = queueTransition(ctx, order, {
      to: step.to,
      actorCode: ctx.actor.code,
      action: "extended",
      note: `${order.dueDate} → ${due.due}`,
      data: { from: order.dueDate, to: due.due },
      set: { due_date: due.due },
    });
    const extended = { ...order, dueDate: due.due };
    notifyChange(ctx, order, await recipientsOfOrder(ctx.d1, order), (pt) =>
      orderCard(pt, extended, { today, timeZone, title: pt.orders.extendedTitle(order.number), intro: pt.orders.extendedIntro(due.due), actions: true }),
      applied,
    );
    ctx.reply(textContent(t.orders.extendedAnswer(order.number, due.due)), applied);
    ctx.reply(textContent(t.orders.changedMeanwhile(order.number)), { ...applied, absent: true });
  },
};
