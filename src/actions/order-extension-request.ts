/** 申请延期: the extension form on the order card; every manager gets an approve / deny card. */
import { notifyPeople } from "../usecases/orders.ts";
import { managersInChain } from "../db/people.ts";
import { checkDueDate, datePart, MAX_NOTE_TEXT } from "../domain/orders.ts";
import { localDate, parseDate } from "../domain/time.ts";
import { extensionDecisionCard } from "../feishu/cards/order-card.ts";
import { orderForAction, stringField, toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

/**
 * A request is named by the order's number and its place among the order's requests (1, 2, …): the managers'
 * buttons carry both, and the insert happens only if the order still has exactly the requests read (none
 * pending), so two requests in the same moment store one, and the cards of the one stored go out.
 */
const INSERT_REQUEST_SQL = `INSERT INTO extension_requests (order_id, requested_by, requested_due, reason, status, created_at)
SELECT ?1, ?2, ?3, ?4, 'pending', ?5
WHERE (SELECT COUNT(*) FROM extension_requests WHERE order_id = ?1) = ?6`;

const REQUEST_EVENT_SQL = `INSERT INTO order_events (order_id, at, actor_code, action, note, data)
SELECT ?1, ?2, ?3, 'extension_requested', ?4, json_object('requestId', last_insert_rowid(), 'request', ?5, 'requestedDue', ?6, 'reason', ?7)
WHERE changes() > 0`;

export const orderExtensionRequest: CardActionHandler = {
  name: "order_extension_request",
  policy: { acts: "order", roles: "everyone", reach: "scope" },
  async run(ctx) {
    const found = await orderForAction(ctx, "request_extension");
    if (!found.ok) return found.answer;
    const { order, actor } = found;
    const { t, d1, nowMs } = ctx;
    const timeZone = ctx.config.TIMEZONE;
    const today = localDate(nowMs, timeZone);
    const due = checkDueDate(parseDate(datePart(stringField(ctx.formValue, "ext_due")), nowMs, timeZone), today);
    const reason = stringField(ctx.formValue, "ext_reason");
    if (!due.ok || due.due === today || !reason || reason.length > MAX_NOTE_TEXT) return toast("error", t.orders.badExtension);
    const requested = due.due;
    if (requested <= order.dueDate) return toast("error", t.orders.extensionNotLater(order.dueDate));
    const existing = await d1
      .prepare("SELECT COUNT(*) AS n, COALESCE(SUM(status = 'pending'), 0) AS pending FROM extension_requests WHERE order_id = ?")
      .bind(order.id)
      .first<{ n: number; pending: number }>();
    if ((existing?.pending ?? 0) > 0) return toast("warning", t.orders.extensionPending);
    const ordinal = (existing?.n ?? 0) + 1;
    ctx.uow.write(
      d1.prepare(INSERT_REQUEST_SQL).bind(order.id, actor.code, requested, reason, nowMs, ordinal - 1),
      d1.prepare(REQUEST_EVENT_SQL).bind(order.id, nowMs, actor.code, `${order.dueDate} → ${requested}：${reason}`, ordinal, requested, reason),
    );
    notifyPeople(ctx, await managersInChain(ctx.db, { zone: { level: order.zoneLevel, district: order.zoneDistrict } }), (p) => `order:${order.number}:extension:${ordinal}:${p.code}`, (pt) =>
      extensionDecisionCard(pt, order, { ordinal, requesterName: actor.name, requestedDue: requested, reason }, { today, timeZone }),
    );
    return toast("success", t.orders.extensionRequestedToast);
  },
};
