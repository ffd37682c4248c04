import { card, escapeMarkdown, markdown } from "../feishu/cards/kit.ts";
import type { Role } from "../domain/people.ts";
import type { Command } from "./types.ts";

/** `help`, listing what the registry (commands/index.ts, which hands in its own lookup) lets the person use. */
export const helpCommand = (commandsFor: (role: Role) => readonly Command[]): Command => ({
  name: "help",
  aliases: ["帮助", "?", "？", "h", "菜单"],
  policy: { acts: "self", roles: "everyone", reach: "any" },
  help: (t) => t.foundation.helpLine,
  async run(ctx) {
    const t = ctx.t;
    const lines = commandsFor(ctx.actor.role).map((command) => `- ${command.help(t)}`);
    const elements = [markdown(t.foundation.helpIntro(escapeMarkdown(ctx.actor.name), t.common.roles[ctx.actor.role])), markdown(lines.join("\n"))];
    if (ctx.actor.role === "manager" || ctx.actor.role === "admin") elements.push(markdown(t.foundation.helpFooter));
    ctx.reply(card({ title: t.foundation.helpTitle, elements }));
  },
});
