import { card, escapeMarkdown, markdown } from "../feishu/cards/kit.ts";
import { whoIs } from "../usecases/whoami.ts";
import type { Command } from "./types.ts";

const SCHOOLS_SHOWN = 30;

export const whoami: Command = {
  name: "whoami",
  aliases: ["我是谁", "我的信息", "me"],
  policy: { acts: "self", roles: "everyone", reach: "any" },
  help: (t) => t.foundation.whoamiLine,
  async run(ctx) {
    const { t, actor } = ctx;
    if (actor.bootstrap) {
      ctx.reply(card({ title: t.foundation.whoamiTitle, elements: [markdown(t.foundation.whoamiBootstrap)] }));
      return;
    }
    const { zone, schools: mySchools, office } = await whoIs(ctx, actor);
    const schoolList = mySchools.length
      ? mySchools
          .slice(0, SCHOOLS_SHOWN)
          .map((school) => escapeMarkdown(`${school.name}（${school.code}）`))
          .join(t.common.and) + (mySchools.length > 1 ? t.foundation.schoolCount(mySchools.length) : "")
      : t.common.none;
    const zoneText = zone ? escapeMarkdown(`${zone.name}（${zone.code}，${t.common.zoneLevels[zone.level]}）`) : t.common.none;
    ctx.reply(
      card({
        title: t.foundation.whoamiTitle,
        elements: [
          markdown(
            t.foundation.whoami({
              name: escapeMarkdown(actor.name),
              code: escapeMarkdown(actor.code),
              role: t.common.roles[actor.role],
              zone: zoneText,
              schools: schoolList,
            }) + (office ? t.foundation.whoamiOffice(escapeMarkdown(office)) : ""),
          ),
        ],
      }),
    );
  },
};
