import { z } from "zod";
import type { CardAnswer } from "../feishu/payloads.ts";
import { reportEditForm } from "../usecases/reports/open.ts";
import { cardId } from "./card-id.ts";
import { error, refusalText } from "./report-common.ts";
import type { CardActionHandler } from "./types.ts";

const valueSchema = z.object({ report_id: cardId });

/**
 * `edit_report` ({ action: "edit_report", report_id }): the summary card's
 * "edit" button. Replaces the summary by the form pre-filled with the latest
 * version; its submit (`submit_report` with report_id and version) saves a new
 * version. Allowed to the report's supervisor and managers until the week's
 * office digest is sent.
 */
export const editReport: CardActionHandler = {
  name: "edit_report",
  policy: { acts: "report", roles: ["supervisor", "manager", "admin"], reach: "scope" },
  roleRefusal: (t) => t.reports.notYourReport,
  async run(ctx): Promise<CardAnswer> {
    const { t, actor } = ctx;
    if (!actor) return error(t.common.cardStranger);
    const value = valueSchema.safeParse(ctx.value);
    if (!value.success) return error(t.common.cardExpired);
    const result = await reportEditForm(ctx, { actor, t, reportId: value.data.report_id });
    if (!result.ok) return error(refusalText(t, actor, result));
    return { card: { type: "raw", data: result.card } };
  },
};
