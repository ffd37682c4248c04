/** Opening a report from a card: the form (or, once reported, the summary) sent to the clicker's direct chat; the edit form in place of the summary. */
import type { Services } from "../services.ts";
import type { Actor } from "../../db/people.ts";
import { digestSent, loadAssignment, reportByAssignment, reportById } from "../../db/reports.ts";
import type { Card } from "../../feishu/cards/kit.ts";
import type { Messages } from "../../i18n/index.ts";
import { reportingRole } from "../policy.ts";
import { assignmentFormCard, editFormCard, summaryCard } from "./cards.ts";
import { assignmentRefusal, type AssignmentRefusal } from "./submit.ts";

export type OpenRefusal = AssignmentRefusal | { reason: "not-yours" | "not-your-report"; schoolName: string } | { reason: "digest-sent" | "report-gone" };

/**
 * The planned visit's form, or its report's summary once reported, queued to the actor's direct chat
 * (`report-form:<assignment>:<actor>:<event>`), in the actor's language `t`.
 */
export async function sendAssignmentReport(
  services: Services,
  input: { actor: Actor; t: Messages; assignmentId: number; eventId: string },
): Promise<{ ok: true; sent: "summary" | "form" } | ({ ok: false } & OpenRefusal)> {
  const { actor, t } = input;
  const assignment = await loadAssignment(services.d1, input.assignmentId);
  const refusal = assignmentRefusal(assignment);
  if (refusal || !assignment) return { ok: false, ...refusal! };
  if (!(await reportingRole(services, actor, assignment))) return { ok: false, reason: "not-yours", schoolName: assignment.schoolName };

  const report = await reportByAssignment(services.d1, assignment.id);
  // a blank form the submission would refuse anyway is not worth filling in
  if (!report && (await digestSent(services.d1, assignment.week))) return { ok: false, reason: "digest-sent" };
  const content = report ? await summaryCard(services, t, report.id) : assignmentFormCard(services, t, actor, assignment);
  if (!content) return { ok: false, reason: "report-gone" };
  services.uow.send({
    key: `report-form:${assignment.id}:${actor.code}:${input.eventId}`,
    to: { openId: actor.openId },
    msgType: "interactive",
    content,
  });
  return { ok: true, sent: report ? "summary" : "form" };
}

/** The form pre-filled with the report's latest version, for the report's visitor or a manager in scope, until the week's digest is sent. */
export async function reportEditForm(services: Services, input: { actor: Actor; t: Messages; reportId: number }): Promise<{ ok: true; card: Card } | ({ ok: false } & OpenRefusal)> {
  const { actor, t } = input;
  const report = await reportById(services.d1, input.reportId);
  if (!report) return { ok: false, reason: "report-gone" };
  if (!(await reportingRole(services, actor, report))) return { ok: false, reason: "not-your-report", schoolName: report.schoolName };
  if (await digestSent(services.d1, report.week)) return { ok: false, reason: "digest-sent" };
  const form = await editFormCard(services, t, actor, report);
  if (!form) return { ok: false, reason: "report-gone" };
  return { ok: true, card: form };
}
