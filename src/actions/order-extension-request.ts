/** 申请延期: the extension form on the order card; every manager gets an approve / deny card (usecases/order-extensions.ts). */
import { requestExtension } from "../usecases/order-extensions.ts";
import { orderForAction, stringField, toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

export const orderExtensionRequest: CardActionHandler = {
  name: "order_extension_request",
  policy: { acts: "order", roles: "everyone", reach: "scope" },
  async run(ctx) {
    const found = await orderForAction(ctx, "request_extension");
    if (!found.ok) return found.answer;
    const { t } = ctx;
    const result = await requestExtension(ctx, { actor: found.actor, order: found.order, due: stringField(ctx.formValue, "ext_due"), reason: stringField(ctx.formValue, "ext_reason") });
    if (result.ok) return toast("success", t.orders.extensionRequestedToast);
    if (result.reason === "bad-extension") return toast("error", t.orders.badExtension);
    if (result.reason === "not-later") return toast("error", t.orders.extensionNotLater(result.dueDate));
    return toast("warning", t.orders.extensionPending);
  },
};
