import { weekRange } from "../feishu/cards/week-card.ts";
import { card, escapeMarkdown, markdown, textContent } from "../feishu/cards/kit.ts";
import { weekOf } from "../usecases/planning.ts";
import { SUPERVISORS_AND_MANAGERS, type Command } from "./types.ts";

/** `week` / `本周`: my visits this week and their status. Managers may name a supervisor by code. */
export const week: Command = {
  name: "week",
  aliases: ["本周", "本周督导", "我的任务"],
  private: true,
  policy: { acts: "person", roles: SUPERVISORS_AND_MANAGERS, reach: "scope" },
  help: (t) => t.planning.weekLine,
  async run(ctx) {
    const t = ctx.t;
    const result = await weekOf(ctx, ctx.actor, ctx.argv[0]);
    if (!result.ok) {
      switch (result.reason) {
        case "usage":
          return ctx.reply(textContent(t.planning.weekLine));
        case "unknown-person":
          return ctx.reply(textContent(t.planning.unknownPerson(result.text.slice(0, 40))));
        case "not-supervisor":
          return ctx.reply(textContent(t.planning.notSupervisor(result.personCode)));
        case "out-of-scope":
          return ctx.reply(textContent(t.offices.personOutOfScope(result.personCode)));
        case "no-schools":
          return ctx.reply(textContent(result.own ? t.planning.noSchools : t.planning.personNoSchools(result.personCode)));
        case "no-school-days":
          return ctx.reply(textContent(t.planning.weekNoSchoolDays));
        case "none":
          return ctx.reply(textContent(t.planning.weekNone));
        case "not-planned":
          return ctx.reply(textContent(t.planning.weekNotPlanned));
      }
    }
    const range = weekRange(result.week, t, result.schoolDays);
    const lines = result.visits.map((row) =>
      t.planning.weekItem(
        escapeMarkdown(row.schoolName ?? row.schoolCode),
        escapeMarkdown(row.schoolCode),
        t.planning.reasons[row.reason] ?? row.reason,
        row.topic ? escapeMarkdown(row.topic) : null,
        t.planning.statuses[row.status] ?? row.status,
      ),
    );
    const title = result.own ? t.planning.weekTitle(result.week, range) : t.planning.weekTitleOf(result.name, result.week, range);
    ctx.reply(card({ title, elements: [markdown(lines.join("\n"))] }));
  },
};
