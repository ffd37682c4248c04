/**
 * 转为核查走访: the 补报 form of kind 举报核查 for the feedback's school, sent to the clicker's direct chat. Its form
 * id is the feedback's reference, so the report it makes carries `extra:feedback:<reference>` as its submission
 * key (one check visit per feedback) and the submission's own rules apply (the school's supervisor or a manager).
 */
import { isManager } from "../db/people.ts";
import { toast } from "./order-common.ts";
import { feedbackAction } from "./feedback-common.ts";
import { extraFormCard } from "../usecases/reports/cards.ts";

export const feedbackVisit = feedbackAction("feedback_visit", async (ctx, { feedback, actor }) => {
  if (!isManager(actor) && !(actor.role === "supervisor" && feedback.supervisorCode === actor.code)) return toast("error", ctx.t.reports.notYours);
  const form = extraFormCard(ctx, ctx.t, { code: feedback.schoolCode, name: feedback.schoolName }, `feedback:${feedback.reference}`, null, "complaint");
  ctx.uow.send({ key: `feedback-visit:${feedback.reference}:${actor.code}:${ctx.eventId}`, to: { openId: actor.openId }, msgType: "interactive", content: form });
  return toast("info", ctx.t.reports.formSent);
});
