/** Previous / next on the `orders` list card. */
import type { ListScope } from "../usecases/orders-read.ts";
import { ORDER_FILTERS, type OrderFilter } from "../domain/orders.ts";
import { orderListPage as listPage } from "../usecases/order-card-actions.ts";
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
    // shared: the list sits in a group, so the page goes to the clicker alone and the group's card stays as it is
    const shown = await listPage(ctx, { actor: ctx.actor, t, scope, filter: filter as OrderFilter, page: ctx.value.page, shared: ctx.value.shared === true, eventId: ctx.eventId });
    if (shown.sent === "privately") return toast("success", t.orders.pageSentPrivately(shown.page + 1));
    return { card: { type: "raw", data: shown.card } };
  },
};
