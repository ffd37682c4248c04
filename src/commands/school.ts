/**
 * `school <name or code>` / `学校 <名称或编号>`: one school's file (督导档案) — nameplate supervisor and zone,
 * this term's visits, its problems, its orders and the latest photos. Who may see which school is decided
 * in one place (domain/school-access.ts).
 */
import { schoolFile, schoolHeader, termPeriods } from "../db/school-file.ts";
import { matchSchool } from "../domain/school-match.ts";
import { maySeeSchool } from "../domain/school-access.ts";
import { termOf } from "../domain/school-file.ts";
import { localDate, localMidnightMs } from "../domain/time.ts";
import { feedbackCounts } from "../db/nameplate.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { schoolFileCard } from "../feishu/cards/school-file-card.ts";
import { imageKeysFor } from "../photos/images.ts";
import type { Command, CommandContext } from "./types.ts";

interface SchoolRow {
  code: string;
  name: string;
  supervisorCode: string | null;
  zoneCode: string;
  zoneLevel: "city" | "district";
  zoneDistrict: string;
}

async function activeSchools(d1: D1Database): Promise<SchoolRow[]> {
  const { results } = await d1
    .prepare(
      `SELECT s.code, s.name, s.supervisor_code AS supervisorCode, s.zone_code AS zoneCode,
         COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict
       FROM schools s LEFT JOIN zones z ON z.code = s.zone_code WHERE s.active = 1 ORDER BY s.code`,
    )
    .all<SchoolRow>();
  return results;
}

async function showSchoolFile(ctx: CommandContext, schoolCode: string): Promise<void> {
  const school = await schoolHeader(ctx.d1, schoolCode);
  if (!school) {
    ctx.reply(textContent(ctx.t.schools.unknown(schoolCode)));
    return;
  }
  const today = localDate(ctx.nowMs, ctx.config.TIMEZONE);
  const term = termOf(await termPeriods(ctx.d1), today);
  const data = await schoolFile(ctx.d1, school.code, term.from, today);
  const imageKeys = await imageKeysFor(ctx, data.photos);
  // what the public said of the school is for its supervisor and the office, not for the school itself
  const feedback = ctx.actor.role === "school_contact" ? undefined : await feedbackCounts(ctx.d1, school.code, localMidnightMs(term.from, ctx.config.TIMEZONE));
  ctx.reply(schoolFileCard(ctx.t, school, term, data, imageKeys, today, feedback));
}

export const school: Command = {
  name: "school",
  aliases: ["学校", "档案", "督导档案"],
  private: true,
  policy: { acts: "school", roles: "everyone", reach: "scope" },
  help: (t) => t.schools.line,
  async run(ctx) {
    const { t, actor } = ctx;
    const text = ctx.args.trim();
    if (!text) {
      if (actor.role === "school_contact" && actor.schoolCode) return showSchoolFile(ctx, actor.schoolCode);
      ctx.reply(textContent(t.schools.usage));
      return;
    }
    const all = await activeSchools(ctx.d1);
    const visible = all.filter((row) => maySeeSchool(actor, row));
    const match = matchSchool(text, visible);
    if (match.kind === "found") return showSchoolFile(ctx, match.school.code);
    if (match.kind === "ambiguous") {
      ctx.reply(textContent(t.schools.ambiguous(text, match.candidates.map((c) => `${c.name}（${c.code}）`).join(t.common.and))));
      return;
    }
    const elsewhere = matchSchool(text, all);
    ctx.reply(textContent(elsewhere.kind === "found" ? t.schools.notYours(elsewhere.school.name) : elsewhere.kind === "ambiguous" ? t.schools.notYours(text) : t.schools.unknown(text)));
  },
};
