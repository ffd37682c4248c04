import { isManager } from "../domain/people.ts";
import { parseDate } from "../domain/time.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { registerLeave } from "../usecases/leave.ts";
import { SUPERVISORS_AND_MANAGERS, type Command } from "./types.ts";

export { MAX_LEAVE_DAYS, MAX_REASON_LENGTH } from "../usecases/leave.ts";

/**
 * `leave <from> <to> [reason]` / `请假`: supervisors for themselves; managers for anyone, with the person's code
 * first. Refused (nothing stored): a date that is not a date, a start in the past, end before start, more than
 * 180 days, a reason over 200 characters, an overlap with a registered leave of the same person (usecases/leave.ts).
 */
export const leave: Command = {
  name: "leave",
  aliases: ["请假", "休假"],
  private: true,
  policy: { acts: "person", roles: SUPERVISORS_AND_MANAGERS, reach: "scope" },
  help: (t) => t.planning.leaveLine,
  async run(ctx) {
    const t = ctx.t;
    let personText: string | null = null;
    let words = ctx.argv;
    if (isManager(ctx.actor)) {
      const first = ctx.argv[0];
      // a manager names the person first: a date there is a missing person
      personText = first && !parseDate(first, ctx.nowMs, ctx.config.TIMEZONE) ? first : null;
      words = ctx.argv.slice(1);
    }
    const result = await registerLeave(ctx, ctx.actor, { personText, words });
    if (result.ok) return ctx.reply(textContent(t.planning.leaveSaved(result.personName, result.from, result.to, result.plannedCount)));
    switch (result.reason) {
      case "usage":
        return ctx.reply(textContent(t.planning.leaveUsage));
      case "unknown-person":
        return ctx.reply(textContent(t.planning.unknownPerson(result.text.slice(0, 40))));
      case "out-of-scope":
        return ctx.reply(textContent(t.offices.personOutOfScope(result.personCode)));
      case "bad-date":
        return ctx.reply(textContent(t.planning.badDate(result.text.slice(0, 40))));
      case "past":
        return ctx.reply(textContent(t.planning.dateInPast(result.from)));
      case "reversed":
        return ctx.reply(textContent(t.planning.leaveReversed));
      case "too-long":
        return ctx.reply(textContent(t.planning.leaveTooLong));
      case "reason-too-long":
        return ctx.reply(textContent(t.planning.reasonTooLong(result.max)));
      case "overlap":
        return ctx.reply(textContent(t.planning.leaveOverlap(result.fromDate, result.toDate)));
    }
  },
};
