/**
 * 「下载公文」 on the order card (issue 26): the order as an official Word document, sent to the clicker's direct chat.
 * Who may: as `公文` / `查看`, the managers whose office reaches the school and the school's supervisor and contacts.
 */
import { findOrderByNumber, relationOf } from "../db/orders.ts";
import { normalizeOrderNumber } from "../domain/orders.ts";
import { orderDocument, queueDocument } from "../usecases/documents.ts";
import { toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

export const documentDownload: CardActionHandler = {
  name: "document_download",
  policy: { acts: "order", roles: "everyone", reach: "scope" },
  async run(ctx) {
    const { t } = ctx;
    if (!ctx.actor) return toast("error", t.common.cardStranger);
    const raw = ctx.value.number;
    if (typeof raw !== "string" || raw.length > 100) return toast("error", t.common.cardExpired);
    const order = await findOrderByNumber(ctx.d1, normalizeOrderNumber(raw));
    if (!order) return toast("error", t.common.cardExpired);
    if (relationOf(ctx.actor, order) === "other") return toast("error", t.common.cardStranger);
    const file = await orderDocument(ctx, t, order, false);
    if (!file) return toast("warning", t.orders.document.tooLarge(order.number));
    // one file per click (a retried callback carries the same event id)
    queueDocument(ctx, `document-download:${order.number}:${ctx.actor.code}:${ctx.eventId}`, { openId: ctx.actor.openId }, file);
    return toast("success", t.orders.document.buttonToast);
  },
};
