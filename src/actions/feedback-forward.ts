/** 转交督导室: hands a public feedback to the managers of the school's office and the offices above it (their own card each). */
import { forwardFeedback } from "../usecases/feedback-handling.ts";
import { toast } from "./order-common.ts";
import { feedbackAction } from "./feedback-common.ts";

export const feedbackForward = feedbackAction("feedback_forward", async (ctx, { feedback, actor }) => {
  const n = ctx.t.schools.nameplate;
  const forwarded = await forwardFeedback(ctx, { actor, feedback });
  if (forwarded === 0) return toast("warning", n.noManagers);
  return toast("success", n.forwardedToast(feedback.reference, forwarded));
});
