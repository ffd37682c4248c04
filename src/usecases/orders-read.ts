/**
 * Orders, read: the order a command names (only if the asker may see it), the order with its audit trail and
 * photos, and the list of orders by filter and scope. Nothing is written here.
 */
import { canSee, findOrderByNumber, listOrders, orderHistory, relationOf, supervisorsByCodeOrName, zoneByCodeOrName, type ListScope, type OrderList, type OrderRecord } from "../db/orders.ts";
import { schoolRefs, type Actor } from "../db/people.ts";
import { splitNumber, type OrderEventView, type OrderFilter } from "../domain/orders.ts";
import { matchSchool } from "../domain/school-match.ts";
import { localDate } from "../domain/time.ts";
import type { Messages } from "../i18n/index.ts";
import { cardImagesOf, type CardImages } from "../photos/images.ts";
import type { Services } from "./services.ts";

export type FindOrderResult =
  | { ok: true; order: OrderRecord; rest: string[] }
  /** nothing named: `input` is the first argument when there was one (answered as not found, with the usage) */
  | { ok: false; reason: "usage"; input: string | null }
  /** no such order, or one the asker may not see (the same answer: no leak of what exists) */
  | { ok: false; reason: "not-found"; number: string };

/** The order named by the first arguments (`argv`), if `actor` may see it; `rest` is what follows the number. */
export async function findVisibleOrder(services: Pick<Services, "d1">, actor: Actor, argv: readonly string[]): Promise<FindOrderResult> {
  const split = splitNumber(argv);
  if (!split) return { ok: false, reason: "usage", input: argv[0] ?? null };
  const order = await findOrderByNumber(services.d1, split.number);
  if (!order || !canSee(actor, order)) return { ok: false, reason: "not-found", number: split.number };
  return { ok: true, order, rest: split.rest };
}

export type OrderDetailResult =
  | { ok: true; order: OrderRecord; history: OrderEventView[]; images: CardImages; isRecipient: boolean; today: string }
  | Exclude<FindOrderResult, { ok: true }>;

/** `show <number>`: the order, its audit trail (in `t`'s words), its photos, and whether the asker is a recipient (the card's buttons). */
export async function orderDetail(services: Services, actor: Actor, argv: readonly string[], t: Messages): Promise<OrderDetailResult> {
  const found = await findVisibleOrder(services, actor, argv);
  if (!found.ok) return found;
  const { order } = found;
  const history = await orderHistory(services.d1, order.id, t.orders.system);
  const images = await cardImagesOf(services, { kind: "order", id: order.id });
  return { ok: true, order, history, images, isRecipient: relationOf(actor, order) === "recipient", today: localDate(services.nowMs, services.config.TIMEZONE) };
}

/** A zone (code or name), a supervisor (code or name) or a school (code, name or unique part of it). */
export async function resolveScope(services: Pick<Services, "d1" | "db">, word: string): Promise<ListScope | null> {
  const needle = word.normalize("NFKC").trim();
  const zone = await zoneByCodeOrName(services.d1, needle);
  if (zone) return { kind: "zone", ...zone };
  const supervisors = await supervisorsByCodeOrName(services.d1, needle);
  if (supervisors.length === 1) return { kind: "supervisor", ...supervisors[0]! };
  const school = matchSchool(needle, await schoolRefs(services.db));
  if (school.kind === "found") return { kind: "school", code: school.school.code, name: school.school.name };
  return null;
}

export type OrdersPageResult = { ok: true; list: OrderList; scope: ListScope; today: string } | { ok: false; reason: "unknown-scope"; word: string };

/** The first page of the orders `actor` may see, by filter, in the scope named by `scopeWord` (all when empty). */
export async function ordersFirstPage(services: Services, actor: Actor, filter: OrderFilter, scopeWord: string): Promise<OrdersPageResult> {
  let scope: ListScope = { kind: "all" };
  if (scopeWord) {
    const found = await resolveScope(services, scopeWord);
    if (!found) return { ok: false, reason: "unknown-scope", word: scopeWord };
    scope = found;
  }
  const today = localDate(services.nowMs, services.config.TIMEZONE);
  const list = await listOrders(services.d1, actor, scope, filter, today, 0);
  return { ok: true, list, scope, today };
}

export type { ListScope, OrderRecord } from "../db/orders.ts";
