/** The issuing form (sent when a manager types `督办` alone): same checks as the command, answered on the card. */
import { checkIssue, issueChecked } from "../commands/order-issue.ts";
import { ORDER_KINDS, type OrderKind } from "../db/schema.ts";
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
    // One form card issues once: its message id is claimed in the same batch as the orders,
    // so a double click or a resent form finds it taken (or, racing, fails the whole batch).
    const formKey = ctx.openMessageId ? `form:${ctx.openMessageId}` : null;
    if (formKey && (await ctx.d1.prepare("SELECT 1 FROM processed_events WHERE key = ?1").bind(formKey).first())) {
      return toast("info", t.orders.formAlreadySubmitted);
    }
    const check = await checkIssue(ctx, t, { kind: kind as OrderKind, schools, due, text, scope: ctx.actor.scope });
    if (!check.ok) return toast("error", check.message);
    if (formKey) ctx.uow.write(ctx.d1.prepare("INSERT INTO processed_events (key, received_at) VALUES (?1, ?2)").bind(formKey, ctx.nowMs));
    const answer = await issueChecked(ctx, t, ctx.actor.code, check);
    return { ...toast("success", t.orders.issuedTitle(t.orders.kinds[check.kind])), card: { type: "raw", data: answer } };
  },
};
