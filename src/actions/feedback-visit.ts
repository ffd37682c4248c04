/**
 * 转为核查走访: the 补报 form of kind 举报核查 for the feedback's school, sent to the clicker's direct chat. Its form
 * id is the feedback's reference, so the report it makes carries `extra:feedback:<reference>` as its submission
 * key (one check visit per feedback) and the submission's own rules apply (the school's supervisor or a manager).
 */
import { sendCheckVisitForm } from "../usecases/feedback-handling.ts";
import { toast } from "./order-common.ts";
import { feedbackAction } from "./feedback-common.ts";

export const feedbackVisit = feedbackAction("feedback_visit", async (ctx, { feedback, actor }) => {
  if (!sendCheckVisitForm(ctx, { actor, t: ctx.t, feedback, eventId: ctx.eventId })) return toast("error", ctx.t.reports.notYours);
  return toast("info", ctx.t.reports.formSent);
});
