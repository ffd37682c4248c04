/**
 * `公文 <编号> [全部]` / `document <number> [all]`: the order as an official Word document (GB/T 9704—2012), with
 * `全部` its record as an annex; by direct message (asked in a group, the group gets 「已私信发送给您」).
 * Who may: the managers whose office reaches the school, the school's supervisor and contacts (as `查看`).
 */
import { textContent } from "../feishu/cards/kit.ts";
import { orderDocument } from "../usecases/documents.ts";
import { orderFromArgs } from "./order-show.ts";
import type { Command } from "./types.ts";

const ALL_WORDS = new Set(["全部", "all", "完整", "full"]);

export const documentCommand: Command = {
  name: "document",
  aliases: ["公文", "下载公文"],
  policy: { acts: "order", roles: "everyone", reach: "scope" },
  private: true,
  help: (t) => t.orders.document.line,
  async run(ctx) {
    const d = ctx.t.orders.document;
    const found = await orderFromArgs(ctx, ctx.argv, d.usage);
    if (!found) return;
    const { order, rest } = found;
    const extra = rest.filter((word) => !ALL_WORDS.has(word.toLowerCase()));
    if (extra.length || rest.length > 1) return ctx.reply(textContent(`${d.badArg(rest.join(" ").slice(0, 40))}\n${d.usage}`));
    const file = await orderDocument(ctx, ctx.t, order, rest.length === 1);
    if (!file) return ctx.reply(textContent(d.tooLarge(order.number)));
    ctx.reply(textContent(d.sent(order.number)));
    ctx.replyFile(`document:${ctx.chat.messageId}`, file);
  },
};
