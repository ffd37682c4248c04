import { z } from "zod";
import { digestSent, loadAssignment, reportByAssignment } from "../db/reports.ts";
import type { CardAnswer } from "../feishu/payloads.ts";
import { cardId, assignmentFormCard, assignmentRefusal, summaryCard } from "./submit-report.ts";
import { reportingRole, reportRefusal } from "../usecases/policy.ts";
import type { CardActionHandler } from "./types.ts";

const valueSchema = z.object({ assignment_id: cardId });

/**
 * `open_report` ({ action: "open_report", assignment_id }): a school's button on
 * the weekly plan card or the Thursday reminder. The card clicked stays as it
 * is; the form (or, once reported, the report's summary) arrives as a new
 * message in the clicker's direct chat.
 */
export const openReport: CardActionHandler = {
  name: "open_report",
  policy: { acts: "report", roles: ["supervisor", "manager", "admin"], reach: "scope" },
  roleRefusal: (t) => t.reports.notYours,
  async run(ctx): Promise<CardAnswer> {
    const { t, actor } = ctx;
    const error = (content: string): CardAnswer => ({ toast: { type: "error", content } });
    if (!actor) return error(t.common.cardStranger);
    const value = valueSchema.safeParse(ctx.value);
    if (!value.success) return error(t.common.cardExpired);
    const assignment = await loadAssignment(ctx.d1, value.data.assignment_id);
    const refusal = assignmentRefusal(t, assignment);
    if (refusal || !assignment) return error(refusal!);
    if (!(await reportingRole(ctx, actor, assignment))) return error(reportRefusal(t, actor, assignment.schoolName, t.reports.notYours));

    const report = await reportByAssignment(ctx.d1, assignment.id);
    // a blank form the submission would refuse anyway is not worth filling in
    if (!report && (await digestSent(ctx.d1, assignment.week))) return error(t.reports.digestSent);
    const content = report ? await summaryCard(ctx, t, report.id) : assignmentFormCard(ctx, t, actor, assignment);
    if (!content) return error(t.reports.reportGone);
    ctx.uow.send({
      key: `report-form:${assignment.id}:${actor.code}:${ctx.eventId}`,
      to: { openId: actor.openId },
      msgType: "interactive",
      content,
    });
    return { toast: { type: "info", content: report ? t.reports.summarySent : t.reports.formSent } };
  },
};
