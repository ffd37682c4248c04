import { textContent } from "../feishu/cards/kit.ts";
import { MAX_REASON_LENGTH } from "../usecases/leave.ts";
import { moveVisit } from "../usecases/moves.ts";
import { SUPERVISORS_AND_MANAGERS, type Command } from "./types.ts";

/**
 * `move <school> <week> <reason>` / `调整`: moves the school's next planned visit (this week or later) to another
 * week with school days. A supervisor moves only visits assigned to them (their own schools, or a colleague's they
 * took over); a manager moves anyone's. The old row becomes `moved` (moved_to_week, note = the reason); a new `planned` row is
 * made in the target week with the same supervisor, reason, topic and order (note `moved_from:<week>`).
 */
export const move: Command = {
  name: "move",
  aliases: ["调整", "改期", "调期"],
  private: true,
  policy: { acts: "school", roles: SUPERVISORS_AND_MANAGERS, reach: "scope" },
  help: (t) => t.planning.moveLine,
  async run(ctx) {
    const t = ctx.t;
    const [schoolText, weekText, ...rest] = ctx.argv;
    const reason = rest.join(" ");
    if (!schoolText || !weekText || !reason) return ctx.reply(textContent(t.planning.moveUsage));
    if ([...reason].length > MAX_REASON_LENGTH) return ctx.reply(textContent(t.planning.reasonTooLong(MAX_REASON_LENGTH)));
    const result = await moveVisit(ctx, ctx.actor, { schoolText, weekText, reason });
    if (result.ok) return ctx.reply(textContent(t.planning.moved(result.school.name, result.from, result.to) + (result.planSent ? `\n${t.planning.movedResendHint}` : "")));
    switch (result.reason) {
      case "unknown-school":
        return ctx.reply(textContent(t.planning.unknownSchool(result.text.slice(0, 60))));
      case "ambiguous-school":
        return ctx.reply(textContent(t.planning.ambiguousSchool(result.text.slice(0, 60), result.candidates.map((c) => `${c.name}（${c.code}）`).join(t.common.and))));
      case "out-of-scope":
        return ctx.reply(textContent(t.offices.outOfScope(`${result.school.name}（${result.school.code}）`)));
      case "bad-week":
        return ctx.reply(textContent(t.planning.badWeek(result.text.slice(0, 40))));
      case "past-week":
        return ctx.reply(textContent(t.planning.pastWeek(result.week)));
      case "no-school-days":
        return ctx.reply(textContent(t.planning.noSchoolDaysWeek(result.week)));
      case "not-your-school":
        return ctx.reply(textContent(t.planning.notYourSchool(result.school.name)));
      case "nothing-to-move":
        return ctx.reply(textContent(t.planning.nothingToMove(result.school.name)));
      case "same-week":
        return ctx.reply(textContent(t.planning.sameWeek));
      case "target-taken":
        return ctx.reply(textContent(t.planning.targetTaken(result.school.name, result.week)));
    }
  },
};
