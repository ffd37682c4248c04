/**
 * `school <name or code>` / `学校 <名称或编号>`: one school's file (督导档案) — nameplate supervisor and zone,
 * this term's visits, its problems, its orders and the latest photos. Who may see which school is decided
 * in one place (domain/school-access.ts).
 */
import { textContent } from "../feishu/cards/kit.ts";
import { schoolFileCard } from "../feishu/cards/school-file-card.ts";
import { schoolFileFor } from "../usecases/figures-school.ts";
import type { Command } from "./types.ts";

export const school: Command = {
  name: "school",
  aliases: ["学校", "档案", "督导档案"],
  private: true,
  policy: { acts: "school", roles: "everyone", reach: "scope" },
  help: (t) => t.schools.line,
  async run(ctx) {
    const { t } = ctx;
    const result = await schoolFileFor(ctx, ctx.actor, ctx.args.trim());
    if (result.ok) return ctx.reply(schoolFileCard(t, result.school, result.term, result.data, result.imageKeys, result.today, result.feedback));
    switch (result.reason) {
      case "usage":
        return ctx.reply(textContent(t.schools.usage));
      case "ambiguous":
        return ctx.reply(textContent(t.schools.ambiguous(result.text, result.candidates.map((c) => `${c.name}（${c.code}）`).join(t.common.and))));
      case "not-yours":
        return ctx.reply(textContent(t.schools.notYours(result.name)));
      case "unknown":
        return ctx.reply(textContent(t.schools.unknown(result.text)));
    }
  },
};
