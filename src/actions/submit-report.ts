import { z } from "zod";
import { FORM_VERSION } from "../domain/report-form.ts";
import type { CardAnswer } from "../feishu/payloads.ts";
import { summaryCard } from "../usecases/reports/cards.ts";
import { submitReport as submit, type SubmitTarget } from "../usecases/reports/submit.ts";
import { cardId } from "./card-id.ts";
import { error, refusalText } from "./report-common.ts";
import type { CardActionHandler } from "./types.ts";

/**
 * `submit_report`: the report form's submit button. Three kinds of form, told
 * apart by the button's value:
 *   { assignment_id }          a planned visit (one report per assignment)
 *   { report_id, version }     an edit of an existing report (a new version)
 *   { school_code, form_id }   a visit outside the plan (补报): a report with no
 *                              assignment, attached to the school; one report per card
 * Bad input answers an error toast and no card (the card stays as typed).
 * The submission itself: usecases/reports/submit.ts.
 */

const valueSchema = z.object({
  form: z.number().int().optional(),
  assignment_id: cardId.optional(),
  report_id: cardId.optional(),
  version: cardId.optional(),
  school_code: z.string().min(1).max(64).optional(),
  form_id: z.string().min(1).max(128).optional(),
  /** a month's topics joined (planner.ts topicOfMonth): up to 5 × 20 characters */
  topic: z.string().max(128).nullish(),
});

function targetOf(value: z.infer<typeof valueSchema>): SubmitTarget | null {
  const { assignment_id, report_id, version, school_code, form_id, topic } = value;
  if (report_id && version) return { kind: "edit", reportId: report_id, version };
  if (assignment_id) return { kind: "assignment", assignmentId: assignment_id };
  if (school_code && form_id) return { kind: "extra", schoolCode: school_code, formId: form_id, topic: topic ?? null };
  return null;
}

export const submitReport: CardActionHandler = {
  name: "submit_report",
  policy: { acts: "report", roles: ["supervisor", "manager", "admin"], reach: "scope" },
  roleRefusal: (t) => t.reports.notYours,
  async run(ctx): Promise<CardAnswer> {
    const { t, actor } = ctx;
    if (!actor) return error(t.common.cardStranger);
    const value = valueSchema.safeParse(ctx.value);
    if (!value.success) return error(t.common.cardExpired);
    if (value.data.form !== FORM_VERSION) return error(t.reports.outdatedCard);
    const target = targetOf(value.data);
    if (!target) return error(t.common.cardExpired);
    const result = await submit(ctx, { actor, target, formValue: ctx.formValue });
    if (!result.ok) return error(refusalText(t, actor, result));
    const toast = { submitted: t.reports.submitted, saved: t.reports.saved, "already-submitted": t.reports.alreadySubmitted }[result.outcome];
    const summary = await summaryCard(ctx, t, result.reportId, { callbackToken: ctx.callbackToken, key: `report-summary:${result.reportId}:${ctx.eventId}` });
    return { toast: { type: "success", content: toast }, ...(summary ? { card: { type: "raw" as const, data: summary } } : {}) };
  },
};
