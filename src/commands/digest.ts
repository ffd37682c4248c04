import { parseWeek, type IsoWeek } from "../domain/time.ts";
import { digestCard } from "../feishu/cards/digest-card.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { digestOnRequest } from "../usecases/figures-digest.ts";
import { MANAGERS, type Command } from "./types.ts";

const ZONE_CODE = /^[A-Za-z0-9_-]{1,20}$/;

/**
 * `digest [week] [zone]` / `周报 [周] [责任区]` (managers): a finished week's digest, the office's or one
 * zone's, answered in the manager's direct chat only. Nothing is written and nothing goes to the group.
 * Asked in a group chat, it only says to ask in a direct chat.
 */
export const digest: Command = {
  name: "digest",
  aliases: ["周报", "督导周报", "weekly"],
  private: true,
  policy: { acts: "zone", roles: MANAGERS, reach: "scope" },
  help: (t) => t.digest.digestLine,
  async run(ctx) {
    const t = ctx.t;
    if (ctx.chat.chatType !== "p2p") return ctx.reply(textContent(t.common.groupOnly));
    const tz = ctx.config.TIMEZONE;
    let week: IsoWeek | null = null;
    let zone: string | null = null;
    for (const arg of ctx.argv.slice(0, 3)) {
      const asWeek: IsoWeek | null = week ? null : parseWeek(arg, ctx.nowMs, tz);
      if (asWeek) week = asWeek;
      else if (!zone && ZONE_CODE.test(arg) && !/^\d+$/.test(arg)) zone = arg;
      else return ctx.reply(textContent(t.digest.badArg(arg.slice(0, 40))));
    }
    if (ctx.argv.length > 3) return ctx.reply(textContent(t.digest.badArg(ctx.argv.slice(3).join(" ").slice(0, 40))));
    const result = await digestOnRequest(ctx, ctx.actor, { week, zone });
    if (result.ok) return ctx.reply(digestCard(t, result.digest));
    if (result.reason === "not-over") return ctx.reply(textContent(t.digest.notOver(result.week)));
    if (result.reason === "unknown-zone") return ctx.reply(textContent(t.digest.unknownZone(result.zone)));
    ctx.reply(textContent(t.offices.zoneOutOfScope(result.zoneCode)));
  },
};
