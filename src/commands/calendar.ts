import { loadCalendar } from "../db/planning.ts";
import { chunkForJson } from "../db/client.ts";
import { checkPeriod, parseCalendarCsv, type CalendarPeriod } from "../domain/calendar.ts";
import { parseDate } from "../domain/time.ts";
import { card, escapeMarkdown, markdown, textContent } from "../feishu/cards/kit.ts";
import { MANAGERS, type Command, type CommandContext } from "./types.ts";

const ADD = new Set(["add", "添加", "新增", "增加"]);
const REMOVE = new Set(["remove", "delete", "删除", "移除"]);
const IMPORT = new Set(["import", "导入"]);
const DEFAULT_HEADER = "kind,name,start_date,end_date";
const SHOWN = 60;

export const INSERT_PERIODS_SQL = `INSERT INTO calendar_periods (kind, name, start_date, end_date, created_by, created_at)
SELECT json_extract(value, '$.kind'), json_extract(value, '$.name'), json_extract(value, '$.startDate'), json_extract(value, '$.endDate'), ?1, ?2
FROM json_each(?3) WHERE true
ON CONFLICT(kind, start_date, end_date) DO NOTHING`;

/** The statements that store periods (used by `calendar import` and by scripts/tests that load calendar.csv). */
export function insertPeriods(d1: D1Database, periods: readonly CalendarPeriod[], by: string, nowMs: number): D1PreparedStatement[] {
  return chunkForJson(periods.map(({ kind, name, startDate, endDate }) => ({ kind, name, startDate, endDate }))).map((chunk) =>
    d1.prepare(INSERT_PERIODS_SQL).bind(by, nowMs, JSON.stringify(chunk)),
  );
}

async function list(ctx: CommandContext) {
  const t = ctx.t;
  const periods = await loadCalendar(ctx.d1);
  if (periods.length === 0) return ctx.reply(textContent(t.planning.calendarEmpty));
  const lines = periods
    .slice(-SHOWN)
    .map((p) => t.planning.calendarItem(p.id!, t.planning.kinds[p.kind] ?? p.kind, escapeMarkdown(p.name), p.startDate, p.endDate));
  ctx.reply(card({ title: t.planning.calendarTitle, elements: [markdown(lines.join("\n")), markdown(escapeMarkdown(t.planning.calendarUsage))] }));
}

/** `calendar` / `校历` (managers): list, add a term/break/holiday/workday period, remove one by id, import CSV rows. */
export const calendar: Command = {
  name: "calendar",
  aliases: ["校历", "日历"],
  policy: { acts: "setting", roles: MANAGERS, reach: "any", changes: { reach: "top", when: (argv) => argv.length > 0 } },
  help: (t) => t.planning.calendarLine,
  async run(ctx) {
    const t = ctx.t;
    const [sub = "", ...rest] = ctx.argv;
    const action = sub.toLowerCase();
    if (!sub) return list(ctx);
    if (ADD.has(action)) {
      const [kind = "", fromText = "", toText = "", ...name] = rest;
      if (!kind || !fromText || !toText) return ctx.reply(textContent(t.planning.calendarUsage));
      const from = parseDate(fromText, ctx.nowMs, ctx.config.TIMEZONE) ?? fromText;
      const to = parseDate(toText, ctx.nowMs, ctx.config.TIMEZONE) ?? toText;
      const checked = checkPeriod(kind, from, to, name.join(" ") || (t.planning.kinds[kind] ?? kind));
      if ("error" in checked) return ctx.reply(textContent(`${t.planning.calendarErrors[checked.error]}\n${t.planning.calendarUsage}`));
      const p = checked.period;
      const exists = await ctx.d1
        .prepare("SELECT id FROM calendar_periods WHERE kind = ?1 AND start_date = ?2 AND end_date = ?3")
        .bind(p.kind, p.startDate, p.endDate)
        .first();
      if (exists) return ctx.reply(textContent(t.planning.calendarDuplicate));
      ctx.uow.write(...insertPeriods(ctx.d1, [p], ctx.actor.code, ctx.nowMs));
      return ctx.reply(textContent(t.planning.calendarAdded(t.planning.kinds[p.kind]!, p.name, p.startDate, p.endDate)));
    }
    if (REMOVE.has(action)) {
      const id = rest[0] ?? "";
      const numeric = /^#?\d{1,9}$/.test(id) ? Number(id.replace("#", "")) : NaN;
      const found = Number.isFinite(numeric) ? await ctx.d1.prepare("SELECT id FROM calendar_periods WHERE id = ?1").bind(numeric).first() : null;
      if (!found) return ctx.reply(textContent(t.planning.calendarNotFound(id.slice(0, 20))));
      ctx.uow.write(ctx.d1.prepare("DELETE FROM calendar_periods WHERE id = ?1").bind(numeric));
      return ctx.reply(textContent(t.planning.calendarRemoved(numeric)));
    }
    if (IMPORT.has(action)) {
      let text = rest.join(" ").replace(/\s*;\s*/g, "\n").replace(/，/g, ",");
      if (!text.trim()) return ctx.reply(textContent(t.planning.calendarUsage));
      if (!/^\s*(kind|类型)\s*,/i.test(text)) text = `${DEFAULT_HEADER}\n${text}`;
      const parsed = parseCalendarCsv(text);
      if (parsed.errors.length) {
        const lines = parsed.errors.slice(0, 20).map((e) => t.planning.calendarRowError(e.line, t.planning.calendarErrors[e.error] ?? e.error));
        return ctx.reply(textContent([t.planning.calendarRejected(parsed.errors.length), ...lines].join("\n")));
      }
      ctx.uow.write(...insertPeriods(ctx.d1, parsed.periods, ctx.actor.code, ctx.nowMs));
      return ctx.reply(textContent(t.planning.calendarImported(parsed.periods.length)));
    }
    ctx.reply(textContent(t.planning.calendarUsage));
  },
};
