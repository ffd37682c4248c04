/**
 * `show <number>` / `查看 <编号>` (and `order <number>` for managers): the order with its whole audit trail.
 * Managers see every order; a supervisor the orders of their nameplate schools; a school contact their school's.
 */
import { canSee, findOrderByNumber, orderHistory, relationOf, type OrderRecord } from "../db/orders.ts";
import { splitNumber } from "../domain/orders.ts";
import { localDate } from "../domain/time.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { orderCard } from "../feishu/cards/order-card.ts";
import type { Command, CommandContext } from "./types.ts";
import { withPhotos } from "../feishu/cards/photo-block.ts";
import { cardBytes, MAX_CARD_BYTES } from "../feishu/cards/digest-card.ts";
import { cardImagesOf } from "../photos/images.ts";

/** Finds the order named by the first arguments, answering "not found" (also for orders the actor may not see). */
export async function orderFromArgs(
  ctx: CommandContext,
  argv: readonly string[],
  usage: string,
): Promise<{ order: OrderRecord; rest: string[] } | null> {
  const split = splitNumber(argv);
  if (!split) {
    ctx.reply(textContent(argv.length === 0 ? usage : `${ctx.t.orders.notFound(argv[0]!)}\n${usage}`));
    return null;
  }
  const order = await findOrderByNumber(ctx.d1, split.number);
  if (!order || !canSee(ctx.actor, order)) {
    ctx.reply(textContent(ctx.t.orders.notFound(split.number)));
    return null;
  }
  return { order, rest: split.rest };
}

export async function showOrder(ctx: CommandContext, argv: readonly string[]): Promise<void> {
  const found = await orderFromArgs(ctx, argv, ctx.t.orders.showUsage);
  if (!found) return;
  const { order } = found;
  const history = await orderHistory(ctx.d1, order.id, ctx.t);
  const timeZone = ctx.config.TIMEZONE;
  const images = await cardImagesOf(ctx, { kind: "order", id: order.id });
  const build = (trail: typeof history) =>
    withPhotos(orderCard(ctx.t, order, { today: localDate(ctx.nowMs, timeZone), timeZone, actions: relationOf(ctx.actor, order) === "recipient", history: trail, download: true }), ctx.t, images.imageKeys, images.total);
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
