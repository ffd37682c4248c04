import { COUNTING_STATUSES } from "../domain/planner.ts";
import { parseWeek, type IsoWeek } from "../domain/time.ts";
import { weekRange } from "../feishu/cards/week-card.ts";
import { card, escapeMarkdown, markdown, textContent, type Card } from "../feishu/cards/kit.ts";
import { cardFits } from "../feishu/conformance.ts";
import type { Messages } from "../i18n/index.ts";
import { visitsOfWeek, type PreparedPlan } from "../jobs/weekly-plan.ts";
import { weekPlan } from "../usecases/planning.ts";
import { MANAGERS, type Command } from "./types.ts";

const SEND_WORDS = new Set(["send", "发送", "重发", "resend"]);
const MAX_CARD_BYTES = 28 * 1024;

export { defaultPlanWeek } from "../usecases/planning.ts";

/** The preview card: zones → supervisors → schools (reason), then what is carried over. Falls back to counts per zone when too big. */
export function previewCard(t: Messages, prepared: PreparedPlan, zoneFilter: string | null, inScope: (zone: string) => boolean = () => true): Card {
  const { week, data, plan } = prepared;
  const rows = [
    ...plan.existing,
    ...plan.assignments.map((a) => ({ ...a, status: a.status as string })),
  ].filter((row) => COUNTING_STATUSES.has(row.status));
  const bySupervisor = visitsOfWeek(rows);
  const schoolName = (code: string) => data.schools.get(code)?.name ?? code;
  const zoneOfSupervisor = (code: string) => data.supervisors.get(code)?.zoneCode ?? data.schools.get(rows.find((r) => r.supervisorCode === code)?.schoolCode ?? "")?.zoneCode ?? "—";
  const zones = new Map<string, string[]>();
  const zoneCounts = new Map<string, number>();
  let supervisorCount = 0;
  for (const [code, list] of [...bySupervisor].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const zone = zoneOfSupervisor(code);
    if ((zoneFilter && zone !== zoneFilter) || !inScope(zone)) continue;
    supervisorCount++;
    const schools = list.map((row) => escapeMarkdown(`${schoolName(row.schoolCode)}（${t.planning.reasons[row.reason] ?? row.reason}）`)).join(t.common.and);
    const name = data.supervisors.get(code)?.name ?? code;
    zones.set(zone, [...(zones.get(zone) ?? []), t.planning.previewSupervisor(escapeMarkdown(name), escapeMarkdown(code), schools)]);
    zoneCounts.set(zone, (zoneCounts.get(zone) ?? 0) + list.length);
  }
  const carried = plan.carriedOver.filter((c) => {
    const zone = data.schools.get(c.schoolCode)?.zoneCode ?? "";
    return (!zoneFilter || zone === zoneFilter) && inScope(zone);
  });
  const total = [...zoneCounts.values()].reduce((a, b) => a + b, 0);
  const header = markdown(t.planning.previewSummary(total, supervisorCount, carried.length, Boolean(data.run?.sentAt)));
  const footer = markdown(t.planning.previewFooter(week));
  const title = t.planning.previewTitle(week, weekRange(week, t, plan.schoolDays));
  const zoneTitle = (code: string) => t.planning.previewZone(escapeMarkdown(data.zones.get(code) ?? code), escapeMarkdown(code), zoneCounts.get(code) ?? 0);
  const zoneCodes = [...zones.keys()].sort();
  const detail = [header, ...zoneCodes.map((code) => markdown(`${zoneTitle(code)}\n${zones.get(code)!.join("\n")}`))];
  if (carried.length) detail.push(markdown(t.planning.previewCarried(carried.map((c) => escapeMarkdown(schoolName(c.schoolCode))).join(t.common.and))));
  detail.push(footer);
  const full = card({ title, elements: detail });
  if (cardFits(full, MAX_CARD_BYTES)) return full;
  // counts per zone, as many zones as fit Feishu's limits (a province has over a thousand), then how many more
  const summaryLines = zoneCodes.map((code) => `- ${zoneTitle(code)}`);
  const summaryCard = (shown: number) => {
    const lines = summaryLines.slice(0, shown);
    if (shown < summaryLines.length) lines.push(t.planning.previewMoreZones(summaryLines.length - shown));
    return card({ title, elements: [header, markdown(t.planning.previewTooBig), markdown(lines.join("\n")), footer] });
  };
  let shown = summaryLines.length;
  let summary = summaryCard(shown);
  while (shown > 0 && !cardFits(summary, MAX_CARD_BYTES)) summary = summaryCard((shown = Math.floor(shown * 0.8)));
  return summary;
}

export const plan: Command = {
  name: "plan",
  aliases: ["排班", "安排", "督导安排"],
  private: true,
  policy: { acts: "zone", roles: MANAGERS, reach: "scope", changes: { reach: "top", when: (argv) => SEND_WORDS.has((argv[0] ?? "").toLowerCase()) } },
  help: (t) => t.planning.planLine,
  async run(ctx) {
    const t = ctx.t;
    const argv = [...ctx.argv];
    const send = argv.length > 0 && SEND_WORDS.has(argv[0]!.toLowerCase());
    if (send) argv.shift();
    let week: IsoWeek | null = null;
    let zone: string | null = null;
    for (const arg of argv) {
      const asWeek: IsoWeek | null = week ? null : parseWeek(arg, ctx.nowMs, ctx.config.TIMEZONE);
      if (asWeek) week = asWeek;
      else if (!send && !zone && /^[A-Za-z0-9_-]{1,20}$/.test(arg) && !/^\d+$/.test(arg)) zone = arg;
      else {
        ctx.reply(textContent(t.planning.badWeek(arg.slice(0, 40))));
        return;
      }
    }
    const result = await weekPlan(ctx, ctx.actor, { send, week, zone });
    if (!result.ok) {
      switch (result.reason) {
        case "past-week":
          return ctx.reply(textContent(t.planning.pastWeek(result.week)));
        case "no-school-days":
          return ctx.reply(textContent(t.planning.noSchoolDaysWeek(result.week)));
        case "unknown-zone":
          return ctx.reply(textContent(t.planning.unknownZone(result.zone)));
        case "zone-out-of-scope":
          return ctx.reply(textContent(t.offices.zoneOutOfScope(result.zone)));
      }
    }
    if (!result.sent) return ctx.reply(previewCard(t, result.prepared, result.zone, result.inScope));
    const { outcome } = result;
    ctx.reply(
      textContent(outcome.visits === 0 && outcome.carried === 0 ? t.planning.nothingToSend(result.week) : t.planning.sent(result.week, outcome.cards, outcome.visits, outcome.carried, outcome.noOpenId)),
    );
  },
};
