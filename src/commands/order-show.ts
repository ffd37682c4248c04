/**
 * `show <number>` / `查看 <编号>` (and `order <number>` for managers): the order with its whole audit trail.
 * Managers see every order; a supervisor the orders of their nameplate schools; a school contact their school's.
 */
import type { OrderRecord } from "../usecases/orders-read.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { orderCard } from "../feishu/cards/order-card.ts";
import type { Command, CommandContext } from "./types.ts";
import { withPhotos } from "../feishu/cards/photo-block.ts";
import { cardBytes, MAX_CARD_BYTES } from "../feishu/cards/digest-card.ts";
import { findVisibleOrder, orderDetail, type FindOrderResult } from "../usecases/orders-read.ts";

/** The answer to an order that was not named or cannot be seen ("not found" either way). */
export function orderNotFoundText(ctx: Pick<CommandContext, "t">, refused: Exclude<FindOrderResult, { ok: true }>, usage: string): string {
  if (refused.reason === "not-found") return ctx.t.orders.notFound(refused.number);
  return refused.input === null ? usage : `${ctx.t.orders.notFound(refused.input)}\n${usage}`;
}

/** Finds the order named by the first arguments, answering "not found" (also for orders the actor may not see). */
export async function orderFromArgs(
  ctx: CommandContext,
  argv: readonly string[],
  usage: string,
): Promise<{ order: OrderRecord; rest: string[] } | null> {
  const found = await findVisibleOrder(ctx, ctx.actor, argv);
  if (!found.ok) {
    ctx.reply(textContent(orderNotFoundText(ctx, found, usage)));
    return null;
  }
  return { order: found.order, rest: found.rest };
}

export async function showOrder(ctx: CommandContext, argv: readonly string[]): Promise<void> {
  const detail = await orderDetail(ctx, ctx.actor, argv, ctx.t);
  if (!detail.ok) return ctx.reply(textContent(orderNotFoundText(ctx, detail, ctx.t.orders.showUsage)));
  const { order, history, images } = detail;
  const timeZone = ctx.config.TIMEZONE;
  const build = (trail: typeof history) =>
    withPhotos(orderCard(ctx.t, order, { today: detail.today, timeZone, actions: detail.isRecipient, history: trail, download: true }), ctx.t, images.imageKeys, images.total);
  // The order card fits its trail under the size limit by itself; the photos may need a shorter trail still.
  let shown = build(history);
  if (cardBytes(shown) > MAX_CARD_BYTES) shown = build(history.slice(-5));
  ctx.reply(shown);
}

export const orderShow: Command = {
  name: "show",
  aliases: ["查看", "查看督办"],
  policy: { acts: "order", roles: "everyone", reach: "scope" },
  private: true,
  help: (t) => t.orders.showLine,
  async run(ctx) {
    await showOrder(ctx, ctx.argv);
  },
};
