/** 受理: the school's supervisor (or a manager in scope) accepts a public feedback from its card. */
import { acceptFeedback } from "../usecases/feedback-handling.ts";
import { toast } from "./order-common.ts";
import { cardOf, feedbackAction } from "./feedback-common.ts";

export const feedbackAccept = feedbackAction("feedback_accept", async (ctx, { feedback, actor }) => {
  const n = ctx.t.schools.nameplate;
  const accepted = acceptFeedback(ctx, { actor, feedback });
  return { ...toast(accepted.changed ? "success" : "info", n.acceptedToast(feedback.reference)), card: { type: "raw", data: cardOf(ctx, accepted.feedback) } };
});
