/** 回复: a short reply to a public feedback, which its sender sees on the school's page under the reference number. */
import { replyFeedback } from "../db/nameplate.ts";
import { FEEDBACK_MAX_REPLY } from "../domain/nameplate.ts";
import { stringField, toast } from "./order-common.ts";
import { cardOf, feedbackForAction } from "./feedback-common.ts";
import type { CardActionHandler } from "./types.ts";

export const feedbackReply: CardActionHandler = {
  name: "feedback_reply",
  policy: { acts: "school", roles: ["supervisor", "manager", "admin"], reach: "scope" },
  async run(ctx) {
    const found = await feedbackForAction(ctx);
    if (!found.ok) return found.answer;
    const { feedback, actor } = found;
    const n = ctx.t.schools.nameplate;
    // eslint-disable-next-line no-control-regex
    const reply = stringField(ctx.formValue, "reply").replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, "");
    if (!reply || [...reply].length > FEEDBACK_MAX_REPLY) return toast("warning", n.emptyReply);
    ctx.uow.write(replyFeedback(ctx.d1, feedback.reference, reply, actor.code, ctx.nowMs));
    const updated = cardOf(ctx, { ...feedback, status: "replied", reply, handledByName: actor.name });
    return { ...toast("success", n.repliedToast(feedback.reference)), card: { type: "raw", data: updated } };
  },
};
