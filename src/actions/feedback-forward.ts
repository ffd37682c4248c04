/** 转交督导室: hands a public feedback to the managers of the school's office and the offices above it (their own card each). */
import { toast } from "./order-common.ts";
import { cardOf, feedbackAction } from "./feedback-common.ts";
import { managersInChain } from "../db/people.ts";
import { messages } from "../i18n/index.ts";

export const feedbackForward = feedbackAction("feedback_forward", async (ctx, { feedback, actor }) => {
  const n = ctx.t.schools.nameplate;
  const managers = (await managersInChain(ctx.db, { schoolCode: feedback.schoolCode })).filter((manager) => manager.code !== actor.code);
  if (managers.length === 0) return toast("warning", n.noManagers);
  for (const manager of managers) {
    ctx.uow.send({
      key: `feedback-forward:${feedback.reference}:${manager.code}`,
      to: { openId: manager.openId! },
      msgType: "interactive",
      content: cardOf({ ...ctx, t: messages(manager.lang) }, feedback),
    });
  }
  return toast("success", n.forwardedToast(feedback.reference, managers.length));
});
