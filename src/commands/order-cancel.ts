/** `cancel <number> <reason>` / `撤销 <编号> <原因>`: a manager withdraws an open order. */
import { runManagerStep } from "./order-step.ts";
import { MANAGERS, type Command } from "./types.ts";

export const orderCancel: Command = {
  name: "cancel",
  aliases: ["撤销"],
  policy: { acts: "order", roles: MANAGERS, reach: "scope" },
  help: (t) => t.orders.cancelLine,
  run: (ctx) =>
    runManagerStep(ctx, {
      action: "cancel",
      event: "cancelled",
      usage: (t) => t.orders.cancelUsage,
      noteRequired: true,
      card: (t, number, reason) => ({ title: t.orders.cancelledTitle(number), intro: t.orders.cancelledIntro(reason) }),
      answer: (t, number) => t.orders.cancelledAnswer(number),
    }),
};
