/** A manager approves or denies an extension request from the card they got. */
import { findOrderById, notifyPeople, recipientsOfOrder } from "../db/orders.ts";
import { isManager } from "../db/people.ts";
import { transition } from "../domain/orders.ts";
import { localDate } from "../domain/time.ts";
import { orderCard, noteCard } from "../feishu/cards/order-card.ts";
import { toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

export const orderExtensionDecide: CardActionHandler = {
  name: "order_extension_decide",
  async run(ctx) {
    const { t } = ctx;
    if (!ctx.actor || !isManager(ctx.actor)) return toast("error", t.common.cardStranger);
    const actor = ctx.actor;
    const requestId = ctx.value.requestId;
    const decision = ctx.value.decision;
    if (typeof requestId !== "number" || !Number.isInteger(requestId) || (decision !== "approve" && decision !== "deny")) return toast("error", t.common.cardExpired);
    const request = await ctx.d1
      .prepare("SELECT id, order_id AS orderId, requested_by AS requestedBy, requested_due AS requestedDue, reason, status FROM extension_requests WHERE id = ?")
      .bind(requestId)
      .first<{ id: number; orderId: number; requestedBy: string; requestedDue: string; reason: string; status: string }>();
    if (!request) return toast("error", t.common.cardExpired);
    if (request.status !== "pending") return toast("info", t.orders.extensionGone);
    const order = await findOrderById(ctx.d1, request.orderId);
    if (!order) return toast("error", t.common.cardExpired);
    const step = transition("decide_extension", order.status, "manager", order.kind);
    if (!step.ok) return toast("warning", t.orders.refusals[step.reason]);
    const approve = decision === "approve";
    const { d1, nowMs } = ctx;
    ctx.uow.write(
      d1
        .prepare("UPDATE extension_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'")
        .bind(approve ? "approved" : "denied", actor.code, nowMs, request.id),
      d1
        .prepare("INSERT INTO order_events (order_id, at, actor_code, action, note, data) SELECT ?, ?, ?, ?, ?, ? WHERE changes() > 0")
        .bind(
          order.id,
          nowMs,
          actor.code,
          approve ? "extension_approved" : "extension_denied",
          approve ? `${order.dueDate} → ${request.requestedDue}` : null,
          JSON.stringify({ requestId: request.id, from: order.dueDate, to: request.requestedDue }),
        ),
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
    const timeZone = ctx.config.TIMEZONE;
    const today = localDate(nowMs, timeZone);
    const after = { ...order, dueDate: approve ? request.requestedDue : order.dueDate };
    notifyPeople(ctx, await recipientsOfOrder(d1, order), (p) => `order:${order.number}:extension-decided:${request.id}:${p.code}`, (pt) =>
      orderCard(pt, after, {
        today,
        timeZone,
        title: pt.orders.extensionDecidedTitle(order.number),
        intro: approve ? pt.orders.extensionApprovedIntro(after.dueDate) : pt.orders.extensionDeniedIntro(after.dueDate),
        actions: true,
      }),
    );
    const content = approve ? t.orders.extensionApprovedToast(request.requestedDue) : t.orders.extensionDeniedToast;
    return { ...toast("success", content), card: { type: "raw", data: noteCard(t.orders.extensionTitle(order.number), content, approve ? "green" : "grey") } };
  },
};
