import { parsePeriodArg, type PeriodSpec } from "../domain/stats.ts";
import { isValidDate } from "../domain/time.ts";
import { statsFigures } from "../usecases/figures-stats.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { periodLabel, statsCard } from "../feishu/cards/stats-card.ts";
import type { Messages } from "../i18n/index.ts";
import { MANAGERS, type Command, type CommandContext } from "./types.ts";

const ZONE_CODE = /^[A-Za-z][A-Za-z0-9_-]{0,19}$/;
const EXPORT_WORDS = new Set(["导出", "export", "excel", "xlsx", "表格"]);
/** The workbook travels base64 in an outbox row; keep it well under D1's 2 MB row limit. */
const MAX_WORKBOOK_BASE64 = 1_500_000;

export { statsScope } from "../usecases/figures-stats.ts";

function periodError(t: Messages, error: { error: string; from?: string; spec?: PeriodSpec }): string {
  if (error.error === "reversed") return t.stats.reversed;
  if (error.error === "too_long") return t.stats.tooLong;
  if (error.error === "not_started") return t.stats.notStarted(error.from ?? "");
  if (error.error === "no_term" && error.spec?.kind === "term") return t.stats.noTerm(t.stats.periodName.term(error.spec.year, t.stats.seasons[error.spec.season]));
  return t.stats.badDate;
}

/** `stats [period] [zone] [export]` / `统计 …` (managers, direct chat): the figures of a period as a card, or as a workbook. */
export const stats: Command = {
  name: "stats",
  aliases: ["统计", "督导统计", "statistics"],
  private: true,
  policy: { acts: "zone", roles: MANAGERS, reach: "scope" },
  help: (t) => t.stats.line,
  async run(ctx: CommandContext) {
    const t = ctx.t;
    if (ctx.chat.chatType !== "p2p") return ctx.reply(textContent(t.stats.directOnly));
    let spec: PeriodSpec | null = null;
    let zoneArg: string | null = null;
    let wantsWorkbook = false;
    let wantsReport = false;
    const argv = ctx.argv.slice(0, 6);
    if (ctx.argv.length > 5) return ctx.reply(textContent(`${t.stats.badArg(ctx.argv.slice(5).join(" ").slice(0, 40))}\n${t.stats.usage}`));
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      const next = argv[i + 1];
      if (EXPORT_WORDS.has(arg.toLowerCase())) wantsWorkbook = true;
      else if (t.stats.report.words.includes(arg.toLowerCase())) wantsReport = true;
      else if (!spec && isValidDate(arg) && next && isValidDate(next)) {
        spec = { kind: "range", from: arg, to: next };
        i++;
      } else if (!spec && parsePeriodArg(arg)) spec = parsePeriodArg(arg);
      else if (!zoneArg && ZONE_CODE.test(arg) && !/^\d/.test(arg)) zoneArg = arg;
      else return ctx.reply(textContent(`${t.stats.badArg(arg.slice(0, 40))}\n${t.stats.usage}`));
    }

    const result = await statsFigures(ctx, ctx.actor, { spec, zone: zoneArg, withFeedback: !wantsWorkbook && !wantsReport });
    if (!result.ok) return ctx.reply(textContent(result.reason === "period" ? periodError(t, result.error) : t.stats.unknownZone(result.zone.slice(0, 20))));
    const { period, scope, figures } = result;
    // `统计 <期间> 报告`: the period's work report as a Word document (issue 26)
    if (wantsReport) {
      const report = await (await import("../usecases/work-report.ts")).workReport(ctx, t, ctx.actor, result.data, figures, scope);
      if (!report.ok) return ctx.reply(textContent(t.stats.report.tooLarge));
      ctx.reply(textContent(t.stats.report.sent(report.period)));
      return ctx.replyFile(`stats-report:${ctx.chat.messageId}`, { file_name: report.fileName, docx_base64: report.docx_base64 });
    }
    if (!wantsWorkbook) return ctx.reply(statsCard(t, figures, result.feedback));

    // Loaded here only: no other request evaluates the workbook code or the xlsx library.
    const [{ statsSheets }, { toBase64, writeWorkbook }] = await Promise.all([import("../xlsx/stats-workbook.ts"), import("../xlsx/workbook.ts")]);
    const base64 = toBase64(await writeWorkbook(statsSheets(t, figures)));
    const label = periodLabel(t, period) + (scope.kind === "zones" ? `_${scope.codes.join("-")}` : "");
    if (base64.length > MAX_WORKBOOK_BASE64) return ctx.reply(textContent(t.exports.tooLarge(figures.supervisors.length + figures.zones.length)));
    ctx.reply(textContent(t.stats.exportSent(periodLabel(t, period))));
    ctx.replyFile(`stats-export:${ctx.chat.messageId}`, { file_name: t.stats.fileName(label), xlsx_base64: base64 });
  },
};
