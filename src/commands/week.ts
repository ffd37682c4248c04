import { and, eq } from "drizzle-orm";
import { schoolsOfSupervisor } from "../db/people.ts";
import { loadCalendar, planRun } from "../db/planning.ts";
import { people } from "../db/schema.ts";
import { SchoolCalendar } from "../domain/calendar.ts";
import { currentWeek } from "../domain/time.ts";
import { weekRange } from "../feishu/cards/week-card.ts";
import { card, escapeMarkdown, markdown, textContent } from "../feishu/cards/kit.ts";
import { isManager } from "../db/people.ts";
import { mayActOnPerson } from "../usecases/policy.ts";
import { SUPERVISORS_AND_MANAGERS, type Command } from "./types.ts";

const WEEK_ROWS = `SELECT a.id, a.school_code AS schoolCode, a.reason, a.topic, a.status, s.name AS schoolName
  FROM assignments a LEFT JOIN schools s ON s.code = a.school_code
  WHERE a.week = ?1 AND a.supervisor_code = ?2 AND a.status IN ('planned', 'reported', 'missed')
  ORDER BY CASE a.reason WHEN 'follow_up' THEN 0 WHEN 'carried_over' THEN 1 ELSE 2 END, a.school_code`;

/** `week` / `本周`: my visits this week and their status. Managers may name a supervisor by code. */
export const week: Command = {
  name: "week",
  aliases: ["本周", "本周督导", "我的任务"],
  private: true,
  policy: { acts: "person", roles: SUPERVISORS_AND_MANAGERS, reach: "scope" },
  help: (t) => t.planning.weekLine,
  async run(ctx) {
    const t = ctx.t;
    let code = ctx.actor.code;
    let name = ctx.actor.name;
    const other = ctx.argv[0];
    if (other && isManager(ctx.actor)) {
      const person = await ctx.db.query.people.findFirst({ where: and(eq(people.code, other.toUpperCase()), eq(people.active, true)) });
      if (!person) return ctx.reply(textContent(t.planning.unknownPerson(other.slice(0, 40))));
      if (person.role !== "supervisor") return ctx.reply(textContent(t.planning.notSupervisor(person.code)));
      if (!(await mayActOnPerson(ctx, ctx.actor, person.code))) return ctx.reply(textContent(t.offices.personOutOfScope(person.code)));
      code = person.code;
      name = person.name;
    } else if (isManager(ctx.actor)) {
      return ctx.reply(textContent(t.planning.weekLine));
    }
    const thisWeek = currentWeek(ctx.nowMs, ctx.config.TIMEZONE);
    const rows = (await ctx.d1.prepare(WEEK_ROWS).bind(thisWeek, code).all<{ id: number; schoolCode: string; reason: string; topic: string | null; status: string; schoolName: string | null }>()).results;
    const calendar = new SchoolCalendar(await loadCalendar(ctx.d1));
    const range = weekRange(thisWeek, t, calendar.schoolDaysOfWeek(thisWeek));
    if (rows.length === 0) {
      const mine = await schoolsOfSupervisor(ctx.db, code);
      if (mine.length === 0) return ctx.reply(textContent(code === ctx.actor.code ? t.planning.noSchools : t.planning.personNoSchools(code)));
      if (calendar.schoolDaysOfWeek(thisWeek).length === 0) return ctx.reply(textContent(t.planning.weekNoSchoolDays));
      const run = await planRun(ctx.d1, thisWeek);
      return ctx.reply(textContent(run ? t.planning.weekNone : t.planning.weekNotPlanned));
    }
    const lines = rows.map((row) =>
      t.planning.weekItem(
        escapeMarkdown(row.schoolName ?? row.schoolCode),
        escapeMarkdown(row.schoolCode),
        t.planning.reasons[row.reason] ?? row.reason,
        row.topic ? escapeMarkdown(row.topic) : null,
        t.planning.statuses[row.status] ?? row.status,
      ),
    );
    const title = code === ctx.actor.code ? t.planning.weekTitle(thisWeek, range) : t.planning.weekTitleOf(name, thisWeek, range);
    ctx.reply(card({ title, elements: [markdown(lines.join("\n"))] }));
  },
};
