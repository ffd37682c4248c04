import { isManager, schoolRefs } from "../db/people.ts";
import { mayActOnSchool } from "../usecases/policy.ts";
import { loadCalendar, planRun } from "../db/planning.ts";
import { SchoolCalendar } from "../domain/calendar.ts";
import { matchSchool } from "../domain/school-match.ts";
import { currentWeek, parseWeek } from "../domain/time.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { MAX_REASON_LENGTH } from "./leave.ts";
import { SUPERVISORS_AND_MANAGERS, type Command } from "./types.ts";

/** The school's next planned visit from this week on; ?3 = the visiting supervisor (null for a manager: anyone's). */
const SOURCE_SQL = `SELECT a.id, a.week, a.supervisor_code AS supervisorCode, a.reason, a.topic, a.order_id AS orderId
  FROM assignments a
  WHERE a.school_code = ?1 AND a.status = 'planned' AND a.week >= ?2 AND (?3 IS NULL OR a.supervisor_code = ?3) ORDER BY a.week, a.id LIMIT 1`;
const TARGET_TAKEN_SQL = `SELECT 1 AS taken FROM assignments WHERE school_code = ?1 AND week = ?2 LIMIT 1`;
const OWNER_SQL = `SELECT supervisor_code AS ownerCode FROM schools WHERE code = ?1`;
/** the new row exists only when the old one was really moved by this batch (not reported or moved meanwhile) */
const INSERT_MOVED_SQL = `INSERT INTO assignments (week, supervisor_code, school_code, reason, topic, order_id, status, note, created_at, updated_at)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'planned', ?7, ?8, ?8
  WHERE EXISTS (SELECT 1 FROM assignments WHERE id = ?9 AND status = 'moved' AND moved_to_week = ?1 AND updated_at = ?8)
  ON CONFLICT(week, supervisor_code, school_code) DO NOTHING`;

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
    const match = matchSchool(schoolText, await schoolRefs(ctx.db));
    if (match.kind === "unknown") return ctx.reply(textContent(t.planning.unknownSchool(schoolText.slice(0, 60))));
    if (match.kind === "ambiguous")
      return ctx.reply(textContent(t.planning.ambiguousSchool(schoolText.slice(0, 60), match.candidates.map((c) => `${c.name}（${c.code}）`).join(t.common.and))));
    const school = match.school;
    const visitor = isManager(ctx.actor) ? null : ctx.actor.code;
    if (!visitor && !(await mayActOnSchool(ctx, ctx.actor, school.code)))
      return ctx.reply(textContent(t.offices.outOfScope(`${school.name}（${school.code}）`)));
    const tz = ctx.config.TIMEZONE;
    const thisWeek = currentWeek(ctx.nowMs, tz);
    const target = parseWeek(weekText, ctx.nowMs, tz);
    if (!target) return ctx.reply(textContent(t.planning.badWeek(weekText.slice(0, 40))));
    if (target < thisWeek) return ctx.reply(textContent(t.planning.pastWeek(target)));
    const calendar = new SchoolCalendar(await loadCalendar(ctx.d1));
    if (calendar.schoolDaysOfWeek(target).length === 0) return ctx.reply(textContent(t.planning.noSchoolDaysWeek(target)));
    const [sourceResult, takenResult, ownerResult] = await ctx.d1.batch([
      ctx.d1.prepare(SOURCE_SQL).bind(school.code, thisWeek, visitor),
      ctx.d1.prepare(TARGET_TAKEN_SQL).bind(school.code, target),
      ctx.d1.prepare(OWNER_SQL).bind(school.code),
    ]);
    const source = (sourceResult!.results as { id: number; week: string; supervisorCode: string; reason: string; topic: string | null; orderId: number | null }[])[0];
    if (!source) {
      const owner = (ownerResult!.results as { ownerCode: string | null }[])[0]?.ownerCode;
      return ctx.reply(textContent(visitor && owner !== visitor ? t.planning.notYourSchool(school.name) : t.planning.nothingToMove(school.name)));
    }
    if (source.week === target) return ctx.reply(textContent(t.planning.sameWeek));
    if ((takenResult!.results ?? []).length > 0) return ctx.reply(textContent(t.planning.targetTaken(school.name, target)));
    const now = ctx.nowMs;
    ctx.uow.write(
      ctx.d1
        .prepare(`UPDATE assignments SET status = 'moved', moved_to_week = ?2, note = ?3, updated_at = ?4 WHERE id = ?1 AND status = 'planned'`)
        .bind(source.id, target, reason, now),
      ctx.d1
        .prepare(INSERT_MOVED_SQL)
        .bind(target, source.supervisorCode, school.code, source.reason, source.topic, source.orderId, `moved_from:${source.week}`, now, source.id),
    );
    const run = await planRun(ctx.d1, target);
    ctx.reply(textContent(t.planning.moved(school.name, source.week, target) + (run?.sentAt ? `\n${t.planning.movedResendHint}` : "")));
  },
};
