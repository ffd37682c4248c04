/** `close <number> [note]` / `销号 <编号> [说明]`: a manager verifies the rectification and closes the order. */
import { runManagerStep } from "./order-step.ts";
import { MANAGERS, type Command } from "./types.ts";

export const orderClose: Command = {
  name: "close",
  aliases: ["销号", "核查销号"],
  policy: { acts: "order", roles: MANAGERS, reach: "scope" },
  help: (t) => t.orders.closeLine,
  run: (ctx) =>
    runManagerStep(ctx, {
      action: "close",
      event: "closed",
      usage: (t) => t.orders.closeUsage,
      noteRequired: false,
      set: (nowMs) => ({ closed_at: nowMs }),
      card: (t, number, note) => ({ title: t.orders.closedTitle(number), intro: t.orders.closedIntro(note) }),
      answer: (t, number) => t.orders.closedAnswer(number),
    }),
};
