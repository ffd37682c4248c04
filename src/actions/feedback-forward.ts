/** 转交督导室: hands a public feedback to the managers of the school's office and the offices above it (their own card each). */
import { toast } from "./order-common.ts";
import { cardOf, feedbackForAction } from "./feedback-common.ts";
import { managersInChain } from "../db/people.ts";
import { messages } from "../i18n/index.ts";
import type { CardActionHandler } from "./types.ts";

export const feedbackForward: CardActionHandler = {
  name: "feedback_forward",
  policy: { acts: "school", roles: ["supervisor", "manager", "admin"], reach: "scope" },
  async run(ctx) {
    const found = await feedbackForAction(ctx);
    if (!found.ok) return found.answer;
    const { feedback, actor } = found;
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
  },
};
