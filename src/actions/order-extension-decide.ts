/** A manager approves or denies an extension request from the card they got. */
import { eventIfChanged, findOrderByNumber, recipientsOfOrder, relationOf } from "../db/orders.ts";
import { notifyPeople } from "../usecases/orders.ts";
import { normalizeOrderNumber, transition } from "../domain/orders.ts";
import { localDate } from "../domain/time.ts";
import { orderCard, noteCard } from "../feishu/cards/order-card.ts";
import { toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

export const orderExtensionDecide: CardActionHandler = {
  name: "order_extension_decide",
  policy: { acts: "order", roles: ["manager", "admin"], reach: "scope" },
  async run(ctx) {
    const { t } = ctx;
    if (!ctx.actor) return toast("error", t.common.cardStranger); // managers only: the policy, before this runs
    const actor = ctx.actor;
    // The order's number and the request's place among its requests (order-extension-request.ts).
    const { number, request: ordinal, decision } = ctx.value;
    if (typeof number !== "string" || number.length > 100 || !Number.isSafeInteger(ordinal) || (ordinal as number) < 1 || (decision !== "approve" && decision !== "deny"))
      return toast("error", t.common.cardExpired);
    const order = await findOrderByNumber(ctx.d1, normalizeOrderNumber(number));
    if (!order) return toast("error", t.common.cardExpired);
    if (relationOf(actor, order) !== "manager") return toast("error", t.offices.orderOutOfScope(order.number));
    const request = await ctx.d1
      .prepare("SELECT id, requested_due AS requestedDue, status FROM extension_requests WHERE order_id = ? ORDER BY id LIMIT 1 OFFSET ?")
      .bind(order.id, (ordinal as number) - 1)
      .first<{ id: number; requestedDue: string; status: string }>();
    if (!request) return toast("error", t.common.cardExpired);
    if (request.status !== "pending") return toast("info", t.orders.extensionGone);
    const step = transition("decide_extension", order.status, "manager", order.kind);
    if (!step.ok) return toast("warning", t.orders.refusals[step.reason]);
    const approve = decision === "approve";
    const { d1, nowMs } = ctx;
    ctx.uow.write(
      d1
        .prepare("UPDATE extension_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'")
        .bind(approve ? "approved" : "denied", actor.code, nowMs, request.id),
      eventIfChanged(d1, {
        orderId: order.id,
        at: nowMs,
        actorCode: actor.code,
        action: approve ? "extension_approved" : "extension_denied",
        note: approve ? `${order.dueDate} → ${request.requestedDue}` : null,
        data: { requestId: request.id, from: order.dueDate, to: request.requestedDue },
      }),
    );
    if (approve) {
      ctx.uow.write(
        d1
          .prepare(
            `UPDATE orders SET due_date = ?, updated_at = ? WHERE id = ? AND status IN ('issued', 'acknowledged', 'reported')
             AND EXISTS (SELECT 1 FROM extension_requests WHERE id = ? AND status = 'approved' AND decided_at = ? AND decided_by = ?)`,
          )
          .bind(request.requestedDue, nowMs, order.id, request.id, nowMs, actor.code),
      );
    }
    // another manager may decide the same request in the same moment: only the decision recorded is announced
    const decided = {
      sql: "SELECT 1 FROM extension_requests WHERE id = ? AND status = ? AND decided_by = ? AND decided_at = ?",
      params: [request.id, approve ? "approved" : "denied", actor.code, nowMs],
    };
    const timeZone = ctx.config.TIMEZONE;
    const today = localDate(nowMs, timeZone);
    const after = { ...order, dueDate: approve ? request.requestedDue : order.dueDate };
    notifyPeople(
      ctx,
      await recipientsOfOrder(d1, order),
      (p) => `order:${order.number}:extension-decided:${request.id}:${p.code}`,
      (pt) =>
        orderCard(pt, after, {
          today,
          timeZone,
          title: pt.orders.extensionDecidedTitle(order.number),
          intro: approve ? pt.orders.extensionApprovedIntro(after.dueDate) : pt.orders.extensionDeniedIntro(after.dueDate),
          actions: true,
        }),
      decided,
    );
    const applied = ctx.uow.probe(decided);
    const content = approve ? t.orders.extensionApprovedToast(request.requestedDue) : t.orders.extensionDeniedToast;
    return {
      afterCommit: () =>
        applied.held
          ? { ...toast("success", content), card: { type: "raw", data: noteCard(t.orders.extensionTitle(order.number), content, approve ? "green" : "grey") } }
          : toast("info", t.orders.extensionGone),
    };
  },
};
