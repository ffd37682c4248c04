/**
 * `orders [open|overdue|closed|all] [zone|school|supervisor]` / `督办单 [未结|逾期|已销号|全部] [责任区|学校|督学]`:
 * counts and a page of orders sorted by due date. Managers see all; supervisors their schools; contacts their school.
 */
import { parseFilter, type OrderFilter } from "../domain/orders.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { ordersListCard } from "../feishu/cards/order-list.ts";
import { ordersFirstPage } from "../usecases/orders-read.ts";
import type { Command } from "./types.ts";

export { resolveScope } from "../usecases/orders-read.ts";

export const ordersList: Command = {
  name: "orders",
  aliases: ["督办单", "督导文书", "文书"],
  policy: { acts: "order", roles: "everyone", reach: "scope" },
  private: true,
  help: (t) => t.orders.ordersLine,
  async run(ctx) {
    const { t } = ctx;
    let filter: OrderFilter = "open";
    const rest: string[] = [];
    for (const word of ctx.argv) {
      const f = parseFilter(word);
      if (f) filter = f;
      else rest.push(word);
    }
    const page = await ordersFirstPage(ctx, ctx.actor, filter, rest.join(" "));
    if (!page.ok) return ctx.reply(textContent(t.orders.unknownScope(page.word)));
    ctx.reply(ordersListCard(t, page.list, filter, page.scope, 0, page.today, ctx.chat.chatType === "group"));
  },
};
