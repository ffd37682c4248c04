import { textContent } from "../feishu/cards/kit.ts";
import { bindDigestGroup } from "../usecases/digest-groups.ts";
import { MANAGERS, type Command } from "./types.ts";

/**
 * `@bot 绑定周报群` / `@bot bind digest` typed in a group (managers): makes this group the digest group of the
 * sender's own office, as the button on the bot's join card does. In a direct chat it says where to send it.
 */
export const digestGroupBindCommand: Command = {
  name: "bind",
  aliases: ["绑定周报群", "设为周报群"],
  policy: { acts: "office", roles: MANAGERS, reach: "any" },
  help: (t) => t.offices.bindLine,
  async run(ctx) {
    const { t } = ctx;
    if (ctx.chat.chatType !== "group") return ctx.reply(textContent(t.offices.bindInGroupOnly));
    const outcome = bindDigestGroup(ctx, ctx.actor, t, ctx.chat.chatId);
    if (outcome.kind === "bound") ctx.reply(textContent(t.offices.bound(outcome.office, ctx.actor.name)));
  },
};
