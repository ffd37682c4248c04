/** 受理: the school's supervisor (or a manager in scope) accepts a public feedback from its card. */
import { acceptFeedback } from "../db/nameplate.ts";
import { toast } from "./order-common.ts";
import { cardOf, feedbackAction } from "./feedback-common.ts";

export const feedbackAccept = feedbackAction("feedback_accept", async (ctx, { feedback, actor }) => {
  const n = ctx.t.schools.nameplate;
  if (feedback.status !== "new") return { ...toast("info", n.acceptedToast(feedback.reference)), card: { type: "raw", data: cardOf(ctx, feedback) } };
  ctx.uow.write(acceptFeedback(ctx.d1, feedback.reference, actor.code, ctx.nowMs));
  const updated = cardOf(ctx, { ...feedback, status: "accepted", handledByName: actor.name });
  return { ...toast("success", n.acceptedToast(feedback.reference)), card: { type: "raw", data: updated } };
});
