/** `roster log` / `名册记录` (admins): the latest roster imports — who, when, which file, what changed. */
import { importLog } from "../db/roster-imports.ts";
import { localDateTime } from "../domain/time.ts";
import { card, escapeMarkdown, markdown, textContent } from "../feishu/cards/kit.ts";
import type { Command } from "./types.ts";

const LOG_ROWS = 30;

export const rosterLog: Command = {
  // `roster log` (two words) reaches this through rosterTemplate, which owns the English word `roster`
  name: "roster-log",
  aliases: ["名册记录", "rosterlog"],
  policy: { acts: "office", roles: ["admin"], reach: "scope" },
  help: (t) => t.offices.logLine,
  async run(ctx) {
    const { t } = ctx;
    const rows = await importLog(ctx.d1, LOG_ROWS);
    if (rows.length === 0) return ctx.reply(textContent(t.offices.logEmpty));
    const lines = rows.map((row) =>
      t.offices.logRow(
        localDateTime(row.at, ctx.config.TIMEZONE),
        escapeMarkdown(row.actorName ? `${row.actorName}（${row.actorCode}）` : row.actorCode),
        escapeMarkdown(row.fileName),
        row.fileHash.slice(0, 12),
        row.added,
        row.updated,
        row.deactivated,
        t.offices.logStatuses[row.status] ?? row.status,
      ),
    );
    ctx.reply(card({ title: t.offices.logTitle, elements: [markdown(lines.join("\n"))] }));
  },
};
