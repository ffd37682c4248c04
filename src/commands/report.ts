import { textContent, type Card } from "../feishu/cards/kit.ts";
import { visitFormFor } from "../usecases/planning-extra-visit.ts";
import { assignmentFormCard, extraFormCard } from "../usecases/reports/cards.ts";
import { SUPERVISORS_AND_MANAGERS, type Command, type CommandContext } from "./types.ts";

/**
 * `补报 <学校>` / `report <school>`: the report form for a visit outside the
 * plan (unannounced visit, complaint check), attached to that school.
 *
 * Design: such a visit is stored as a report WITHOUT an assignment
 * (reports.assignment_id NULL, week = the ISO week of the visit date), so it
 * never shows up as "planned" in reminders or misses, and the digest counts it
 * among the week's reports. The visitor is the sender: a supervisor for one of
 * their own schools, or a manager (office staff visit too) for a school within their office's scope (usecases/policy.ts).
 * When the sender already has an open visit of that school planned this week,
 * the planned visit's form comes instead. One card makes at most one report:
 * its submission key is `extra:<the command's message id>`.
 */
export const report: Command = {
  name: "report",
  aliases: ["补报", "填报"],
  policy: { acts: "school", roles: SUPERVISORS_AND_MANAGERS, reach: "scope" },
  help: (t) => t.reports.reportLine,
  async run(ctx) {
    const { t, actor } = ctx;
    const r = t.reports;
    if (!ctx.args) return ctx.reply(textContent(r.reportUsage));
    const found = await visitFormFor(ctx, actor, ctx.args);
    if (!found.ok) {
      switch (found.reason) {
        case "unknown-school":
          return ctx.reply(textContent(r.reportUnknownSchool(found.text.slice(0, 60))));
        case "ambiguous-school":
          return ctx.reply(textContent(r.reportAmbiguous(found.text.slice(0, 60), found.candidates.map((s) => `${s.name}（${s.code}）`).join(t.common.and))));
        case "out-of-scope":
          return ctx.reply(textContent(found.manager ? t.offices.schoolOutOfScope(found.school.name) : r.reportNotYourSchool(found.school.name)));
      }
    }
    if (found.kind === "planned") {
      ctx.reply(textContent(r.reportPlannedHint(found.school.name)));
      return deliver(ctx, assignmentFormCard(ctx, t, actor, found.assignment));
    }
    deliver(ctx, extraFormCard(ctx, t, found.school, ctx.chat.messageId, found.topic));
  },
};

/** The form goes to the sender's direct chat: in a group, anyone could see (not submit) it. */
function deliver(ctx: CommandContext, form: Card): void {
  if (ctx.chat.chatType === "p2p") return ctx.reply(form);
  ctx.replyToAsker(`report-extra:${ctx.chat.messageId}`, form);
  ctx.reply(textContent(ctx.t.reports.formSent));
}
