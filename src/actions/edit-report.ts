import { z } from "zod";
import { digestSent, reportById } from "../db/reports.ts";
import type { CardAnswer } from "../feishu/payloads.ts";
import { cardId, editFormCard } from "./submit-report.ts";
import { reportingRole, reportRefusal } from "../usecases/policy.ts";
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
    const error = (content: string): CardAnswer => ({ toast: { type: "error", content } });
    if (!actor) return error(t.common.cardStranger);
    const value = valueSchema.safeParse(ctx.value);
    if (!value.success) return error(t.common.cardExpired);
    const report = await reportById(ctx.d1, value.data.report_id);
    if (!report) return error(t.reports.reportGone);
    if (!(await reportingRole(ctx, actor, report))) return error(reportRefusal(t, actor, report.schoolName, t.reports.notYourReport));
    if (await digestSent(ctx.d1, report.week)) return error(t.reports.digestSent);
    const form = await editFormCard(ctx, t, actor, report);
    if (!form) return error(t.reports.reportGone);
    return { card: { type: "raw", data: form } };
  },
};
