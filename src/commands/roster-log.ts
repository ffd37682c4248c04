/** `roster log` / `名册记录` (admins): the latest roster imports — who, when, which file, what changed. */
import type { DigestGroup } from "../usecases/settings.ts";
import { localDateTime } from "../domain/time.ts";
import { rosterLogFor } from "../usecases/settings.ts";
import { card, escapeMarkdown, markdown } from "../feishu/cards/kit.ts";
import type { Command, CommandContext } from "./types.ts";

export const rosterLog: Command = {
  // `roster log` (two words) reaches this through rosterTemplate, which owns the English word `roster`
  name: "roster-log",
  aliases: ["名册记录", "rosterlog"],
  private: true,
  policy: { acts: "office", roles: ["admin"], reach: "scope" },
  help: (t) => t.offices.logLine,
  async run(ctx) {
    const { t } = ctx;
    const { rows, offices, bound } = await rosterLogFor(ctx);
    const groups = digestGroupLines(ctx, offices, bound);
    if (rows.length === 0) return ctx.reply(card({ title: t.offices.logTitle, elements: [markdown(t.offices.logEmpty), markdown(`**${t.offices.groupsTitle}**\n${groups}`)] }));
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
    ctx.reply(card({ title: t.offices.logTitle, elements: [markdown(lines.join("\n")), markdown(`**${t.offices.groupsTitle}**\n${groups}`)] }));
  },
};

/** Each office's digest group and where it comes from: bound in Feishu, offices.csv, or DIGEST_CHAT_ID. */
function digestGroupLines(ctx: CommandContext, offices: Awaited<ReturnType<typeof rosterLogFor>>["offices"], bound: readonly DigestGroup[]): string {
  const { t } = ctx;
  const boundBy = new Map(bound.map((group) => [group.officeCode, group]));
  const chat = (id: string, name: string) => escapeMarkdown(name ? `${name}（${id}）` : id);
  const lines: string[] = [];
  const boundLine = (office: string, code: string) => {
    const group = boundBy.get(code)!;
    return t.offices.groupBound(escapeMarkdown(office), chat(group.chatId, group.chatName), escapeMarkdown(group.boundBy), localDateTime(group.boundAt, ctx.config.TIMEZONE));
  };
  for (const office of offices) {
    if (boundBy.has(office.code)) lines.push(boundLine(office.name, office.code));
    else if (office.digestChatId) lines.push(t.offices.groupFromFile(escapeMarkdown(office.name), escapeMarkdown(office.digestChatId)));
    else if (!office.parentCode && ctx.config.DIGEST_CHAT_ID) lines.push(t.offices.groupFromConfig(escapeMarkdown(ctx.config.DIGEST_CHAT_ID)));
  }
  if (offices.length === 0 && boundBy.has("")) lines.push(boundLine(t.offices.implicitOffice, ""));
  else if (offices.length === 0 && ctx.config.DIGEST_CHAT_ID) lines.push(t.offices.groupFromConfig(escapeMarkdown(ctx.config.DIGEST_CHAT_ID)));
  return lines.length ? lines.join("\n") : t.offices.groupNone;
}
