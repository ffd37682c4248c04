/**
 * What the buttons of an order's card do: the order a button names (if the clicker may take that step on it
 * now), acknowledging (签收), the rectification report (提交整改报告), and the pages of the orders list card.
 * Every change is the guarded transition of usecases/orders.ts: of two clicks raced from the same state only the
 * one whose batch commits first applies (the returned probe says which, once committed).
 */
import type { Services } from "./services.ts";
import { findOrderByNumber, listOrders, relationOf, type ListScope, type OrderRecord } from "../db/orders.ts";
import type { Actor } from "../db/people.ts";
import type { Probe } from "../delivery/outbox.ts";
import { clampPage, normalizeOrderNumber, transition, type OrderAction, type OrderFilter, type Refusal, type Relation } from "../domain/orders.ts";
import { localDate } from "../domain/time.ts";
import { escapeMarkdown, type Card } from "../feishu/cards/kit.ts";
import { orderCard } from "../feishu/cards/order-card.ts";
import { ordersListCard } from "../feishu/cards/order-list.ts";
import type { Messages } from "../i18n/index.ts";
import { issuerOrManagers, notifyChange, queueTransition } from "./orders.ts";

export type OrderForActionResult =
  | { ok: true; order: OrderRecord; relation: Relation }
  | { ok: false; reason: "expired" }
  | { ok: false; reason: "stranger" }
  | { ok: false; reason: "refused"; refusal: Refusal };

/** The order numbered `number` (as on the button), if `actor` may take `action` on it now; a refusal changes nothing. */
export async function orderForAction(services: Services, input: { actor: Actor; number: string; action: OrderAction }): Promise<OrderForActionResult> {
  const order = await findOrderByNumber(services.d1, normalizeOrderNumber(input.number));
  if (!order) return { ok: false, reason: "expired" };
  const relation = relationOf(input.actor, order);
  if (relation === "other") return { ok: false, reason: "stranger" };
  const step = transition(input.action, order.status, relation, order.kind);
  if (!step.ok) return { ok: false, reason: "refused", refusal: step.reason };
  return { ok: true, order, relation };
}

/** 签收: the order (checked by `orderForAction`) acknowledged by the actor. */
export function acknowledgeOrder(services: Services, input: { actor: Actor; order: OrderRecord }): Probe {
  const { order, actor } = input;
  return services.uow.probe(queueTransition(services, order, { to: "acknowledged", actorCode: actor.code, action: "acknowledged", set: { acknowledged_at: services.nowMs } }));
}

/**
 * 提交整改报告: the order (checked by `orderForAction`) reported, with `note` (what was done, in the reporter's
 * words) in its history; the issuer (or the managers of the school's office chain) told, if it applied.
 */
export async function reportOnOrder(
  services: Services,
  input: { actor: Actor; order: OrderRecord; note: string; data: { result: "done" | "partly"; done: string; links: string } },
): Promise<Probe> {
  const { order, actor, note } = input;
  const change = queueTransition(services, order, {
    to: "reported",
    actorCode: actor.code,
    action: "reported",
    note,
    data: input.data,
    set: { reported_at: services.nowMs, ...(order.acknowledgedAt ? {} : { acknowledged_at: services.nowMs }) },
  });
  const timeZone = services.config.TIMEZONE;
  const today = localDate(services.nowMs, timeZone);
  const reported = { ...order, status: "reported" as const };
  notifyChange(services, order, await issuerOrManagers(services, order.issuedBy, { zone: { level: order.zoneLevel, district: order.zoneDistrict } }), (pt) =>
    orderCard(pt, reported, {
      today,
      timeZone,
      title: pt.orders.reportedTitle(order.number),
      template: "turquoise",
      intro: pt.orders.reportedIntro(escapeMarkdown(actor.name), escapeMarkdown(note)),
    }),
    change,
  );
  return services.uow.probe(change);
}

/**
 * A page of the orders list card (in `t`, the actor's language). `shared`: the list sits in a group, so the
 * page goes to the actor's direct chat and the group's card stays as it is.
 */
export async function orderListPage(
  services: Services,
  input: { actor: Actor; t: Messages; scope: ListScope; filter: OrderFilter; page: unknown; shared: boolean; eventId: string },
): Promise<{ sent: "privately"; page: number } | { sent: "here"; card: Card }> {
  const { actor, scope, filter } = input;
  const today = localDate(services.nowMs, services.config.TIMEZONE);
  const first = await listOrders(services.d1, actor, scope, filter, today, 0);
  const page = clampPage(input.page, first.matching);
  const list = page === 0 ? first : await listOrders(services.d1, actor, scope, filter, today, page);
  const pageCard = ordersListCard(input.t, list, filter, scope, page, today);
  if (!input.shared) return { sent: "here", card: pageCard };
  services.uow.send({ key: `orders-page:${actor.code}:${input.eventId}`, to: { openId: actor.openId }, msgType: "interactive", content: pageCard });
  return { sent: "privately", page };
}
