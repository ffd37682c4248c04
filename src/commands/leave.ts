import { and, eq } from "drizzle-orm";
import { isManager } from "../db/people.ts";
import { mayActOnPerson } from "../usecases/policy.ts";
import { leaves, people } from "../db/schema.ts";
import { daysBetween, isoWeekOf, localDate, parseDate } from "../domain/time.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { SUPERVISORS_AND_MANAGERS, type Command } from "./types.ts";

export const MAX_LEAVE_DAYS = 180;
export const MAX_REASON_LENGTH = 200;

const OVERLAP_SQL = `SELECT from_date AS fromDate, to_date AS toDate FROM leaves WHERE person_code = ?1 AND to_date >= ?2 AND from_date <= ?3 ORDER BY from_date LIMIT 1`;
const PLANNED_SQL = `SELECT COUNT(*) AS n FROM assignments WHERE supervisor_code = ?1 AND status = 'planned' AND week BETWEEN ?2 AND ?3`;

/**
 * `leave <from> <to> [reason]` / `请假`: supervisors for themselves; managers for anyone, with the person's code
 * first. Refused (nothing stored): a date that is not a date, a start in the past, end before start, more than
 * 180 days, a reason over 200 characters, an overlap with a registered leave of the same person.
 */
export const leave: Command = {
  name: "leave",
  aliases: ["请假", "休假"],
  private: true,
  policy: { acts: "person", roles: SUPERVISORS_AND_MANAGERS, reach: "scope" },
  help: (t) => t.planning.leaveLine,
  async run(ctx) {
    const t = ctx.t;
    const argv = [...ctx.argv];
    let personCode = ctx.actor.code;
    let personName = ctx.actor.name;
    const tz = ctx.config.TIMEZONE;
    if (isManager(ctx.actor)) {
      const first = argv[0];
      if (!first || parseDate(first, ctx.nowMs, tz)) return ctx.reply(textContent(t.planning.leaveUsage));
      const person = await ctx.db.query.people.findFirst({ where: and(eq(people.code, first.toUpperCase()), eq(people.active, true)) });
      if (!person) return ctx.reply(textContent(t.planning.unknownPerson(first.slice(0, 40))));
      if (!(await mayActOnPerson(ctx, ctx.actor, person.code))) return ctx.reply(textContent(t.offices.personOutOfScope(person.code)));
      argv.shift();
      personCode = person.code;
      personName = person.name;
    }
    if (argv.length < 2) return ctx.reply(textContent(t.planning.leaveUsage));
    const from = parseDate(argv[0]!, ctx.nowMs, tz);
    if (!from) return ctx.reply(textContent(t.planning.badDate(argv[0]!.slice(0, 40))));
    const to = parseDate(argv[1]!, ctx.nowMs, tz);
    if (!to) return ctx.reply(textContent(t.planning.badDate(argv[1]!.slice(0, 40))));
    const reason = argv.slice(2).join(" ");
    const today = localDate(ctx.nowMs, tz);
    if (from < today) return ctx.reply(textContent(t.planning.dateInPast(from)));
    if (to < from) return ctx.reply(textContent(t.planning.leaveReversed));
    if (daysBetween(from, to) >= MAX_LEAVE_DAYS) return ctx.reply(textContent(t.planning.leaveTooLong));
    if ([...reason].length > MAX_REASON_LENGTH) return ctx.reply(textContent(t.planning.reasonTooLong(MAX_REASON_LENGTH)));
    const [overlap, planned] = await ctx.d1.batch([
      ctx.d1.prepare(OVERLAP_SQL).bind(personCode, from, to),
      ctx.d1.prepare(PLANNED_SQL).bind(personCode, isoWeekOf(from), isoWeekOf(to)),
    ]);
    const clash = (overlap!.results as { fromDate: string; toDate: string }[])[0];
    if (clash) return ctx.reply(textContent(t.planning.leaveOverlap(clash.fromDate, clash.toDate)));
    const plannedCount = Number((planned!.results as { n: number }[])[0]?.n ?? 0);
    ctx.uow.write(ctx.db.insert(leaves).values({ personCode, fromDate: from, toDate: to, reason, createdBy: ctx.actor.code, createdAt: ctx.nowMs }));
    ctx.reply(textContent(t.planning.leaveSaved(personName, from, to, plannedCount)));
  },
};
