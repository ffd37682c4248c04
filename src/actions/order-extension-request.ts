/** 申请延期: the extension form on the order card; every manager gets an approve / deny card. */
import { managers, notifyPeople } from "../db/orders.ts";
import { datePart, MAX_NOTE_TEXT } from "../domain/orders.ts";
import { localDate, parseDate } from "../domain/time.ts";
import { extensionDecisionCard } from "../feishu/cards/order-card.ts";
import { orderForAction, stringField, toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

export const orderExtensionRequest: CardActionHandler = {
  name: "order_extension_request",
  async run(ctx) {
    const found = await orderForAction(ctx, "request_extension");
    if (!found.ok) return found.answer;
    const { order, actor } = found;
    const { t } = ctx;
    const timeZone = ctx.config.TIMEZONE;
    const today = localDate(ctx.nowMs, timeZone);
    const requested = parseDate(datePart(stringField(ctx.formValue, "ext_due")), ctx.nowMs, timeZone);
    const reason = stringField(ctx.formValue, "ext_reason");
    if (!requested || requested <= today || !reason || reason.length > MAX_NOTE_TEXT) return toast("error", t.orders.badExtension);
    if (requested <= order.dueDate) return toast("error", t.orders.extensionNotLater(order.dueDate));
    const pending = await ctx.d1
      .prepare("SELECT COUNT(*) AS n FROM extension_requests WHERE order_id = ? AND status = 'pending'")
      .bind(order.id)
      .first<{ n: number }>();
    if ((pending?.n ?? 0) > 0) return toast("warning", t.orders.extensionPending);
    // The id is taken before the batch so the managers' cards can name it; a concurrent request
    // taking the same id makes this batch fail as a whole (nothing half-written).
    const next = await ctx.d1.prepare("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM extension_requests").first<{ id: number }>();
    const requestId = next!.id;
    ctx.uow.write(
      ctx.d1
        .prepare("INSERT INTO extension_requests (id, order_id, requested_by, requested_due, reason, status, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)")
        .bind(requestId, order.id, actor.code, requested, reason, ctx.nowMs),
      ctx.d1
        .prepare("INSERT INTO order_events (order_id, at, actor_code, action, note, data) VALUES (?, ?, ?, 'extension_requested', ?, ?)")
        .bind(order.id, ctx.nowMs, actor.code, `${order.dueDate} → ${requested}：${reason}`, JSON.stringify({ requestId, requestedDue: requested, reason })),
    );
    notifyPeople(ctx, await managers(ctx.d1), (p) => `order:${order.number}:extension:${requestId}:${p.code}`, (pt) =>
      extensionDecisionCard(pt, order, { id: requestId, requesterName: actor.name, requestedDue: requested, reason }, { today, timeZone }),
    );
    return toast("success", t.orders.extensionRequestedToast);
  },
};
