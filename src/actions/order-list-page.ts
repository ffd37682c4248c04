/** Previous / next on the `orders` list card. */
import { listOrders, type ListScope } from "../db/orders.ts";
import { clampPage, ORDER_FILTERS, type OrderFilter } from "../domain/orders.ts";
import { localDate } from "../domain/time.ts";
import { ordersListCard } from "../feishu/cards/order-list.ts";
import { toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

function scopeFrom(value: unknown): ListScope | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (v.kind === "all") return { kind: "all" };
  if ((v.kind === "zone" || v.kind === "school" || v.kind === "supervisor") && typeof v.code === "string" && v.code.length <= 50) {
    return { kind: v.kind, code: v.code, name: typeof v.name === "string" ? v.name.slice(0, 100) : v.code };
  }
  return null;
}

export const orderListPage: CardActionHandler = {
  name: "orders_page",
  policy: { acts: "order", roles: "everyone", reach: "scope" },
  async run(ctx) {
    const { t } = ctx;
    if (!ctx.actor) return toast("error", t.common.cardStranger);
    const filter = ctx.value.filter;
    const scope = scopeFrom(ctx.value.scope);
    if (!ORDER_FILTERS.includes(filter as OrderFilter) || !scope) return toast("error", t.common.cardExpired);
    const today = localDate(ctx.nowMs, ctx.config.TIMEZONE);
    const first = await listOrders(ctx.d1, ctx.actor, scope, filter as OrderFilter, today, 0);
    const page = clampPage(ctx.value.page, first.matching);
    const list = page === 0 ? first : await listOrders(ctx.d1, ctx.actor, scope, filter as OrderFilter, today, page);
    const pageCard = ordersListCard(t, list, filter as OrderFilter, scope, page, today);
    if (ctx.value.shared === true) {
      // the list sits in a group: the page goes to the clicker alone, the group's card stays as it is
      ctx.uow.send({ key: `orders-page:${ctx.actor.code}:${ctx.eventId}`, to: { openId: ctx.actor.openId }, msgType: "interactive", content: pageCard });
      return toast("success", t.orders.pageSentPrivately(page + 1));
    }
    return { card: { type: "raw", data: pageCard } };
  },
};
