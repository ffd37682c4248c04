/** What `close`, `reopen` and `cancel` share: the order named, the note, the guarded transition, the school told (usecases/orders.ts). */
import { textContent } from "../feishu/cards/kit.ts";
import type { Messages } from "../i18n/index.ts";
import { applyManagerStep, type ManagerStepInput } from "../usecases/orders.ts";
import { orderNotFoundText } from "./order-show.ts";
import type { CommandContext } from "./types.ts";

export interface ManagerStep extends ManagerStepInput {
  usage: (t: Messages) => string;
  answer: (t: Messages, number: string) => string;
}

/** `<command> <number> [note]`: refusals answered, nothing written; otherwise the change, its audit row and the cards in one unit of work. */
export async function runManagerStep(ctx: CommandContext, step: ManagerStep): Promise<void> {
  const { t } = ctx;
  const result = await applyManagerStep(ctx, ctx.actor, ctx.argv, step);
  if (result.ok) {
    ctx.reply(textContent(step.answer(t, result.number)), result.applied);
    ctx.reply(textContent(t.orders.changedMeanwhile(result.number)), { ...result.applied, absent: true });
    return;
  }
  switch (result.reason) {
    case "usage":
    case "not-found":
      return ctx.reply(textContent(orderNotFoundText(ctx, result, step.usage(t))));
    case "note-required":
      return ctx.reply(textContent(step.usage(t)));
    case "note-too-long":
      return ctx.reply(textContent(t.orders.noteTooLong(result.max)));
    case "refused":
      return ctx.reply(textContent(`${result.number}：${t.orders.refusals[result.refusal]}`));
  }
}
