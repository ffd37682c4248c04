import { setSpecialTopics, specialTopics } from "../usecases/settings.ts";
import { card, escapeMarkdown, markdown, textContent } from "../feishu/cards/kit.ts";
import { MANAGERS, type Command } from "./types.ts";

const CLEAR = new Set(["无", "none", "清除", "clear", "-"]);
const MAX_TOPICS = 5;
const MAX_TOPIC_LENGTH = 20;

function parseMonth(text: string): string | null {
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$/.exec(text.normalize("NFKC").trim());
  if (!match) return null;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? `${match[1]}-${String(month).padStart(2, "0")}` : null;
}

/** `topics [<YYYY-MM> <topic,topic>]` / `专项` (managers): the month's special topics, in settings key `special_topics`. */
export const topics: Command = {
  name: "topics",
  aliases: ["专项", "专项主题"],
  policy: { acts: "setting", roles: MANAGERS, reach: "any", changes: { reach: "top", when: (argv) => argv.length > 0 } },
  help: (t) => t.planning.topicsLine,
  async run(ctx) {
    const t = ctx.t;
    const [monthText, ...rest] = ctx.argv;
    if (!monthText) {
      const current = await specialTopics(ctx);
      const months = Object.keys(current).sort();
      const lines = months.map((m) => t.planning.topicsItem(m, escapeMarkdown(current[m]!.join("、"))));
      return ctx.reply(card({ title: t.planning.topicsTitle, elements: [markdown(lines.length ? lines.join("\n") : t.planning.topicsEmpty), markdown(t.planning.topicsUsage)] }));
    }
    const month = parseMonth(monthText);
    if (!month) return ctx.reply(textContent(t.planning.topicsBadMonth(monthText.slice(0, 20))));
    const text = rest.join(" ").trim();
    if (!text) return ctx.reply(textContent(t.planning.topicsUsage));
    if (CLEAR.has(text.toLowerCase())) {
      await setSpecialTopics(ctx, month, null);
      return ctx.reply(textContent(t.planning.topicsCleared(month)));
    }
    const list = [...new Set(text.split(/[,，、;；]+/).map((s) => s.trim()).filter(Boolean))];
    if (list.length === 0 || list.length > MAX_TOPICS || list.some((s) => [...s].length > MAX_TOPIC_LENGTH))
      return ctx.reply(textContent(t.planning.topicsTooMany));
    await setSpecialTopics(ctx, month, list);
    ctx.reply(textContent(t.planning.topicsSaved(month, list.join("、"))));
  },
};
