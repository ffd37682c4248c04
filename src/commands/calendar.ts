import { checkPeriod, parseCalendarCsv } from "../domain/calendar.ts";
import { addPeriod, importPeriods, listCalendar, removePeriod } from "../usecases/calendar.ts";
import { parseDate } from "../domain/time.ts";
import { card, escapeMarkdown, markdown, textContent } from "../feishu/cards/kit.ts";
import { MANAGERS, type Command, type CommandContext } from "./types.ts";

const ADD = new Set(["add", "添加", "新增", "增加"]);
const REMOVE = new Set(["remove", "delete", "删除", "移除"]);
const IMPORT = new Set(["import", "导入"]);
const DEFAULT_HEADER = "kind,name,start_date,end_date";
const SHOWN = 60;

/** kept for the calendar file import (events/roster-file.ts); the statements live in db/calendar.ts */

async function list(ctx: CommandContext) {
  const t = ctx.t;
  const periods = await listCalendar(ctx);
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
      const added = await addPeriod(ctx, ctx.actor.code, p);
      if (!added.ok) return ctx.reply(textContent(t.planning.calendarDuplicate));
      return ctx.reply(textContent(t.planning.calendarAdded(t.planning.kinds[p.kind]!, p.name, p.startDate, p.endDate)));
    }
    if (REMOVE.has(action)) {
      const id = rest[0] ?? "";
      const numeric = /^#?\d{1,9}$/.test(id) ? Number(id.replace("#", "")) : NaN;
      const removed = Number.isFinite(numeric) ? await removePeriod(ctx, numeric) : null;
      if (!removed?.ok) return ctx.reply(textContent(t.planning.calendarNotFound(id.slice(0, 20))));
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
      const imported = importPeriods(ctx, ctx.actor.code, parsed.periods);
      return ctx.reply(textContent(t.planning.calendarImported(imported.count)));
    }
    ctx.reply(textContent(t.planning.calendarUsage));
  },
};
