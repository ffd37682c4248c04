/** 回复: a short reply to a public feedback, which its sender sees on the school's page under the reference number. */
import { FEEDBACK_MAX_REPLY } from "../domain/nameplate.ts";
import { replyToFeedback } from "../usecases/feedback-handling.ts";
import { stringField, toast } from "./order-common.ts";
import { cardOf, feedbackAction } from "./feedback-common.ts";

export const feedbackReply = feedbackAction("feedback_reply", async (ctx, { feedback, actor }) => {
  const n = ctx.t.schools.nameplate;
  // eslint-disable-next-line no-control-regex
  const reply = stringField(ctx.formValue, "reply").replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, "");
  if (!reply || [...reply].length > FEEDBACK_MAX_REPLY) return toast("warning", n.emptyReply);
  const updated = replyToFeedback(ctx, { actor, feedback, reply });
  return { ...toast("success", n.repliedToast(feedback.reference)), card: { type: "raw", data: cardOf(ctx, updated) } };
});
