/** A manager approves or denies an extension request from the card they got (usecases/order-extensions.ts). */
import { decideExtension } from "../usecases/order-extensions.ts";
import { noteCard } from "../feishu/cards/order-card.ts";
import { toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

export const orderExtensionDecide: CardActionHandler = {
  name: "order_extension_decide",
  policy: { acts: "order", roles: ["manager", "admin"], reach: "scope" },
  async run(ctx) {
    const { t } = ctx;
    if (!ctx.actor) return toast("error", t.common.cardStranger); // managers only: the policy, before this runs
    // The order's number and the request's place among its requests (order-extension-request.ts).
    const { number, request: ordinal, decision } = ctx.value;
    if (typeof number !== "string" || number.length > 100 || !Number.isSafeInteger(ordinal) || (ordinal as number) < 1 || (decision !== "approve" && decision !== "deny"))
      return toast("error", t.common.cardExpired);
    const approve = decision === "approve";
    const result = await decideExtension(ctx, { actor: ctx.actor, number, ordinal: ordinal as number, approve });
    if (!result.ok) {
      if (result.reason === "expired") return toast("error", t.common.cardExpired);
      if (result.reason === "out-of-scope") return toast("error", t.offices.orderOutOfScope(result.orderNumber));
      if (result.reason === "gone") return toast("info", t.orders.extensionGone);
      return toast("warning", t.orders.refusals[result.refusal]);
    }
    const content = approve ? t.orders.extensionApprovedToast(result.requestedDue) : t.orders.extensionDeniedToast;
    return {
      afterCommit: () =>
        result.applied.held
          ? { ...toast("success", content), card: { type: "raw", data: noteCard(t.orders.extensionTitle(result.orderNumber), content, approve ? "green" : "grey") } }
          : toast("info", t.orders.extensionGone),
    };
  },
};
