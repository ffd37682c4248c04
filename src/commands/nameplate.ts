/**
 * `名牌 <学校>` / `nameplate <school>` (managers): the school's public page link (挂牌督导公示), issued on first
 * use, for printing its QR code; `名牌 新 <学校>` issues a new one and revokes the old, `名牌 撤销 <学校>` revokes
 * it, `名牌 列表` lists the links of the schools in scope; `名牌 关闭` / `名牌 开启` turns off / on the pages of the
 * manager's office and the offices below it. Answers privately: a link is the way to the form.
 */
import { maySeeSchool } from "../domain/school-access.ts";
import { matchSchool } from "../domain/school-match.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { issueNameplate, nameplateLinksInScope, nameplateSchools, nameplateTokenOf, revokeNameplate, switchNameplatePages } from "../usecases/nameplate-links.ts";
import { exportNameplates, queueNameplateQr } from "../usecases/nameplates.ts";
import { MANAGERS, type Command, type CommandContext } from "./types.ts";

const NEW = new Set(["新", "换发", "new"]);
const REVOKE = new Set(["撤销", "作废", "revoke"]);
const LIST = new Set(["列表", "全部", "list"]);
const OFF = new Set(["关闭", "off"]);
const ON = new Set(["开启", "打开", "on"]);
const EXPORT = new Set(["导出", "打印", "export"]);
/** at most this many links in one answer (a text message stays well under Feishu's 150 KB) */
const MAX_LISTED = 300;

const linkOf = (ctx: CommandContext, token: string) => `${ctx.config.PUBLIC_BASE_URL ?? ""}/p/${token}`;
/** where the answers go: the asker's direct chat when asked in a group (the command is private) */
const answerTo = (ctx: CommandContext) => (ctx.chat.directTo ? { openId: ctx.chat.directTo } : { chatId: ctx.chat.chatId });

/** The link as text, then (with PUBLIC_BASE_URL: a path is no use in a QR code) the QR code as an image. */
async function sendLink(ctx: CommandContext, text: string, token: string) {
  const n = ctx.t.schools.nameplate;
  if (!ctx.config.PUBLIC_BASE_URL) return ctx.reply(textContent(`${text}\n${n.noBaseUrl}\n${n.qrNeedsBaseUrl}`));
  ctx.reply(textContent(`${text}\n${n.qrFollows}`));
  await queueNameplateQr(ctx, `nameplate-qr:${ctx.chat.messageId}`, answerTo(ctx), linkOf(ctx, token));
}

async function findSchool(ctx: CommandContext, text: string) {
  const { t, actor } = ctx;
  const all = await nameplateSchools(ctx);
  const match = matchSchool(text, all.filter((row) => maySeeSchool(actor, row)));
  if (match.kind === "found") return match.school;
  if (match.kind === "ambiguous") ctx.reply(textContent(t.schools.ambiguous(text, match.candidates.map((c) => `${c.name}（${c.code}）`).join(t.common.and))));
  else {
    const elsewhere = matchSchool(text, all);
    ctx.reply(textContent(elsewhere.kind === "found" ? t.schools.notYours(elsewhere.school.name) : elsewhere.kind === "ambiguous" ? t.schools.notYours(text) : t.schools.unknown(text)));
  }
  return null;
}

export const nameplate: Command = {
  name: "nameplate",
  aliases: ["名牌", "公示牌"],
  policy: { acts: "school", roles: MANAGERS, reach: "scope" },
  officeScoped: true,
  private: true,
  help: (t) => t.schools.nameplate.line,
  async run(ctx) {
    const n = ctx.t.schools.nameplate;
    const [first = "", ...rest] = ctx.argv;
    const note = ctx.config.PUBLIC_BASE_URL ? "" : `\n${n.noBaseUrl}`;
    if (LIST.has(first.toLowerCase()) && rest.length === 0) {
      const rows = await nameplateLinksInScope(ctx, ctx.actor.scope);
      if (rows.length === 0) return ctx.reply(textContent(n.listEmpty));
      const lines = rows.slice(0, MAX_LISTED).map((row) => `${row.schoolName}（${row.schoolCode}）${linkOf(ctx, row.token)}`);
      return ctx.reply(textContent([n.listHeading(rows.length) + note, ...lines].join("\n")));
    }
    if ((OFF.has(first.toLowerCase()) || ON.has(first.toLowerCase())) && rest.length === 0) {
      const off = OFF.has(first.toLowerCase());
      const office = ctx.actor.scope.office;
      switchNameplatePages(ctx, office?.code ?? null, off);
      const name = office?.name ?? n.thisOffice;
      return ctx.reply(textContent(off ? n.pagesOff(name) : n.pagesOn(name)));
    }
    if (EXPORT.has(first.toLowerCase())) {
      if (rest.length) return ctx.reply(textContent(n.exportUsage));
      // a printed code of a bare path leads nowhere
      if (!ctx.config.PUBLIC_BASE_URL) return ctx.reply(textContent(n.qrNeedsBaseUrl));
      const result = await exportNameplates(ctx, ctx.actor, ctx.t, answerTo(ctx), `nameplate-export:${ctx.chat.messageId}`);
      return ctx.reply(textContent(result.kind === "empty" ? n.exportEmpty : result.kind === "tooLarge" ? n.exportTooLarge(result.count) : n.exportSent(result.count)));
    }
    const action = NEW.has(first.toLowerCase()) ? "new" : REVOKE.has(first.toLowerCase()) ? "revoke" : "show";
    const text = (action === "show" ? ctx.argv : rest).join(" ").trim();
    if (!text) return ctx.reply(textContent(n.usage));
    const school = await findSchool(ctx, text);
    if (!school) return;
    const existing = await nameplateTokenOf(ctx, school.code);
    if (action === "revoke") {
      if (!existing) return ctx.reply(textContent(n.noneToRevoke(school.name)));
      revokeNameplate(ctx, school.code);
      return ctx.reply(textContent(n.revoked(school.name)));
    }
    if (action === "show" && existing) return sendLink(ctx, n.url(school.name, linkOf(ctx, existing)), existing);
    const token = issueNameplate(ctx, school.code, ctx.actor.code);
    await sendLink(ctx, action === "new" ? n.issued(school.name, linkOf(ctx, token)) : n.url(school.name, linkOf(ctx, token)), token);
  },
};
