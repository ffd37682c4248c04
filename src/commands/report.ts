import { isManager, schoolRefs } from "../db/people.ts";
import { readSetting, readSpecialTopics } from "../db/planning.ts";
import { loadAssignment, openAssignmentAt, topicOfWeek } from "../db/reports.ts";
import { monthOf } from "../domain/calendar.ts";
import { topicOfMonth } from "../domain/planner.ts";
import { matchSchool } from "../domain/school-match.ts";
import { currentWeek, localDate } from "../domain/time.ts";
import { textContent, type Card } from "../feishu/cards/kit.ts";
import { mayActOnSchool } from "../usecases/policy.ts";
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
    const match = matchSchool(ctx.args, await schoolRefs(ctx.db));
    if (match.kind === "unknown") return ctx.reply(textContent(r.reportUnknownSchool(ctx.args.slice(0, 60))));
    if (match.kind === "ambiguous") {
      const list = match.candidates.map((s) => `${s.name}（${s.code}）`).join(t.common.and);
      return ctx.reply(textContent(r.reportAmbiguous(ctx.args.slice(0, 60), list)));
    }
    const school = match.school;
    // the one policy: a supervisor's own school, a manager's school within their office's scope
    if (!(await mayActOnSchool(ctx, actor, school.code))) {
      return ctx.reply(textContent(isManager(actor) ? t.offices.schoolOutOfScope(school.name) : r.reportNotYourSchool(school.name)));
    }

    const week = currentWeek(ctx.nowMs, ctx.config.TIMEZONE);
    const plannedId = await openAssignmentAt(ctx.d1, week, actor.code, school.code);
    const planned = plannedId ? await loadAssignment(ctx.d1, plannedId) : null;
    if (planned) {
      ctx.reply(textContent(r.reportPlannedHint(school.name)));
      return deliver(ctx, assignmentFormCard(ctx, t, actor, planned));
    }
    const month = monthOf(localDate(ctx.nowMs, ctx.config.TIMEZONE));
    const topic = (await topicOfWeek(ctx.d1, week)) ?? topicOfMonth(readSpecialTopics(await readSetting(ctx.d1, "special_topics")), month);
    deliver(ctx, extraFormCard(ctx, t, school, ctx.chat.messageId, topic));
  },
};

/** The form goes to the sender's direct chat: in a group, anyone could see (not submit) it. */
function deliver(ctx: CommandContext, form: Card): void {
  if (ctx.chat.chatType === "p2p") return ctx.reply(form);
  ctx.uow.send({ key: `report-extra:${ctx.chat.messageId}`, to: { openId: ctx.actor.openId }, msgType: "interactive", content: form });
  ctx.reply(textContent(ctx.t.reports.formSent));
}
