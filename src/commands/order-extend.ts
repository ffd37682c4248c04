/** `extend <number> <due>` / `延期 <编号> <新期限>`: a manager moves the due date of an open order. */
import { textContent } from "../feishu/cards/kit.ts";
import { extendOrder } from "../usecases/orders.ts";
import { orderNotFoundText } from "./order-show.ts";
import { MANAGERS, type Command } from "./types.ts";

export const orderExtend: Command = {
  name: "extend",
  aliases: ["延期"],
  policy: { acts: "order", roles: MANAGERS, reach: "scope" },
  help: (t) => t.orders.extendLine,
  async run(ctx) {
    const { t } = ctx;
    const result = await extendOrder(ctx, ctx.actor, ctx.argv);
    if (result.ok) {
      ctx.reply(textContent(t.orders.extendedAnswer(result.number, result.due)), result.applied);
      ctx.reply(textContent(t.orders.changedMeanwhile(result.number)), { ...result.applied, absent: true });
      return;
    }
    switch (result.reason) {
      case "usage":
      case "not-found":
        return ctx.reply(textContent(orderNotFoundText(ctx, result, t.orders.extendUsage)));
      case "refused":
        return ctx.reply(textContent(`${result.number}：${t.orders.refusals[result.refusal]}`));
      case "no-due":
        return ctx.reply(textContent(t.orders.extendUsage));
      case "bad-due": {
        const message = result.problem === "past" ? t.orders.duePast(result.parsed!) : result.problem === "too_far" ? t.orders.dueTooFar(result.parsed!) : t.orders.badDue(result.dueText);
        return ctx.reply(textContent(`${message}\n${t.orders.extendUsage}`));
      }
      case "same-due":
        return ctx.reply(textContent(t.orders.sameDue(result.number, result.due)));
    }
  },
};
