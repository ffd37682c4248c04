import { z } from "zod";
import type { CardAnswer } from "../feishu/payloads.ts";
import { sendAssignmentReport } from "../usecases/reports/open.ts";
import { cardId } from "./card-id.ts";
import { error, refusalText } from "./report-common.ts";
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
    if (!actor) return error(t.common.cardStranger);
    const value = valueSchema.safeParse(ctx.value);
    if (!value.success) return error(t.common.cardExpired);
    const result = await sendAssignmentReport(ctx, { actor, t, assignmentId: value.data.assignment_id, eventId: ctx.eventId });
    if (!result.ok) return error(refusalText(t, actor, result));
    return { toast: { type: "info", content: result.sent === "summary" ? t.reports.summarySent : t.reports.formSent } };
  },
};
