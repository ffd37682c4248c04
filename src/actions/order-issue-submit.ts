/** The issuing form (sent when a manager types `督办` alone): same checks as the command, answered on the card (usecases/order-form.ts). */
import { ORDER_KINDS, type OrderKind } from "../domain/orders.ts";
import { issueFromForm } from "../usecases/order-form.ts";
import { stringField, toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

export const orderIssueSubmit: CardActionHandler = {
  name: "order_issue_submit",
  policy: { acts: "school", roles: ["manager", "admin"], reach: "scope" },
  async run(ctx) {
    const { t } = ctx;
    if (!ctx.actor) return toast("error", t.common.cardStranger); // managers only: the policy, before this runs
    const kind = stringField(ctx.formValue, "kind") || "order";
    const schools = stringField(ctx.formValue, "schools");
    const due = stringField(ctx.formValue, "due");
    const text = stringField(ctx.formValue, "text");
    if (!ORDER_KINDS.includes(kind as OrderKind) || kind === "rectification_item") return toast("error", t.common.cardExpired);
    if (!schools || !due || !text) return toast("error", t.orders.formMissing);
    const result = await issueFromForm(ctx, t, { actor: ctx.actor, formMessageId: ctx.openMessageId, request: { kind: kind as OrderKind, schools, due, text } });
    if (!result.ok) return result.reason === "already-submitted" ? toast("info", t.orders.formAlreadySubmitted) : toast("error", result.message);
    return { ...toast("success", t.orders.issuedTitle(t.orders.kinds[result.kind])), card: { type: "raw", data: result.card } };
  },
};
