/** The `orders` list card: counts, one page of orders sorted by due date, previous / next buttons. */
import { daysOverdue, pageCount, type ListScope, type OrderFilter, type OrderList } from "../../domain/orders.ts";
import type { Messages } from "../../i18n/index.ts";
import { button, card, escapeMarkdown, markdown, type Card, type CardElement } from "./kit.ts";

export function scopeLabel(scope: ListScope): string {
  return scope.kind === "all" ? "" : `${scope.name}（${scope.code}）`;
}

/**
 * `shared`: the card sits in a group chat. A 2.0 card is shared, so paging it
 * in place would change it for everyone there: its buttons then ask for the
 * page privately (actions/order-list-page.ts).
 */
export function ordersListCard(t: Messages, list: OrderList, filter: OrderFilter, scope: ListScope, page: number, today: string, shared = false): Card {
  const pages = pageCount(list.matching);
  const lines = list.rows.map((row) => {
    const overdue = daysOverdue(row, today);
    const status = t.orders.statuses[row.status] + (overdue > 0 ? t.orders.overdueTag(overdue) : "");
    return `- ${t.orders.listLine(escapeMarkdown(row.number), escapeMarkdown(row.schoolName), row.dueDate, status)}`;
  });
  const elements: CardElement[] = [
    markdown(t.orders.counts(list.counts)),
    markdown(lines.length ? lines.join("\n") : t.orders.listEmpty),
  ];
  if (pages > 1) {
    const scopeValue = scope.kind === "all" ? { kind: "all" } : { kind: scope.kind, code: scope.code, name: scope.name };
    const buttons: CardElement[][] = [];
    if (page > 0) buttons.push([button({ text: t.orders.previous, value: { action: "orders_page", filter, scope: scopeValue, page: page - 1, ...(shared ? { shared: true } : {}) } })]);
    if (page < pages - 1) buttons.push([button({ text: t.orders.next, value: { action: "orders_page", filter, scope: scopeValue, page: page + 1, ...(shared ? { shared: true } : {}) } })]);
    elements.push(markdown(t.orders.pageOf(page + 1, pages)));
    elements.push({ tag: "column_set", flex_mode: "flow", columns: buttons.map((els) => ({ tag: "column", width: "auto", elements: els })) });
  }
  // the header is plain text: no escaping there
  return card({ title: t.orders.listTitle(t.orders.filters[filter], scopeLabel(scope)), template: filter === "overdue" ? "red" : "blue", elements });
}
