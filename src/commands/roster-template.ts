import { textContent } from "../feishu/cards/kit.ts";
import { rosterLog } from "./roster-log.ts";
import { MANAGERS, type Command } from "./types.ts";

/** `roster template` / `名册模板` (managers, direct chat): an empty roster workbook to fill in and send back. */
export const rosterTemplate: Command = {
  name: "roster",
  aliases: ["名册模板", "名册", "template"],
  private: true,
  policy: { acts: "office", roles: MANAGERS, reach: "any" },
  help: (t) => t.excel.templateLine,
  async run(ctx) {
    const t = ctx.t;
    const [word, ...extra] = ctx.argv;
    if (word && ["log", "记录"].includes(word.toLowerCase())) {
      if (ctx.actor.role !== "admin") return ctx.reply(textContent(t.common.notAllowed("roster log")));
      return rosterLog.run({ ...ctx, argv: extra, args: extra.join(" ") });
    }
    if (ctx.chat.chatType !== "p2p") return ctx.reply(textContent(t.excel.templateDirectOnly));
    if (extra.length || (word && !["template", "模板", "templates"].includes(word.toLowerCase()))) return ctx.reply(textContent(t.excel.templateUsage));
    // Loaded here only: no other request evaluates the xlsx library.
    const [{ rosterTemplateSheets }, { toBase64, writeWorkbook }] = await Promise.all([import("../xlsx/roster-template.ts"), import("../xlsx/workbook.ts")]);
    const base64 = toBase64(await writeWorkbook(rosterTemplateSheets(ctx.actor.lang)));
    ctx.reply(textContent(t.excel.templateSent));
    ctx.replyFile(`roster-template:${ctx.chat.messageId}`, { file_name: t.excel.templateFileName, xlsx_base64: base64 });
  },
};
