/**
 * 「下载公文」 on the order card (issue 26): the order as an official Word document, sent to the clicker's direct chat.
 * Who may: as `公文` / `查看`, the managers whose office reaches the school and the school's supervisor and contacts.
 */
import { downloadOrderDocument } from "../usecases/documents.ts";
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
    const result = await downloadOrderDocument(ctx, t, ctx.actor, raw, ctx.eventId);
    if (!result.ok) {
      if (result.reason === "too-large") return toast("warning", t.orders.document.tooLarge(result.number));
      return toast("error", result.reason === "not-yours" ? t.common.cardStranger : t.common.cardExpired);
    }
    return toast("success", t.orders.document.buttonToast);
  },
};
