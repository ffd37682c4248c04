/** `reopen <number> <reason>` / `退回 <编号> <原因>`: a manager sends a report (or a closed order) back for more rectification. */
import { runManagerStep } from "./order-step.ts";
import { MANAGERS, type Command } from "./types.ts";

export const orderReopen: Command = {
  name: "reopen",
  aliases: ["退回", "退回整改"],
  policy: { acts: "order", roles: MANAGERS, reach: "scope" },
  help: (t) => t.orders.reopenLine,
  run: (ctx) =>
    runManagerStep(ctx, {
      action: "reopen",
      event: "sent_back",
      usage: (t) => t.orders.reopenUsage,
      noteRequired: true,
      set: () => ({ closed_at: null }),
      card: (t, number, reason) => ({ title: t.orders.sentBackTitle(number), intro: t.orders.sentBackIntro(reason), template: "orange", actions: true }),
      answer: (t, number) => t.orders.reopenedAnswer(number),
    }),
};
