import type { Messages } from "../../i18n/index.ts";
import { SUBSTITUTE_NOTE } from "../../domain/planner.ts";
import { weekDates, type IsoWeek } from "../../domain/time.ts";
import { button, card, divider, escapeMarkdown, markdown, type Card, type CardElement } from "./kit.ts";

/** One row of a supervisor's week, with the school's details. */
export interface WeekCardVisit {
  id: number;
  schoolCode: string;
  schoolName: string;
  address: string;
  reason: string;
  topic: string | null;
  status: string;
  note: string | null;
}

/** "12月1日–12月5日" / "Dec 1–Dec 5": the week's Monday to Friday (or to its last school day). */
export function weekRange(week: IsoWeek, t: Messages, schoolDays: readonly string[] = []): string {
  const dates = weekDates(week);
  const first = schoolDays[0] ?? dates[0]!;
  const last = schoolDays[schoolDays.length - 1] ?? dates[4]!;
  return `${t.planning.shortDate(first)}–${t.planning.shortDate(last)}`;
}

/** The Monday card of one supervisor: one block and one "Report" button per school (value `open_report` + assignment id). */
export function weekCard(t: Messages, options: { week: IsoWeek; supervisorName: string; visits: readonly WeekCardVisit[]; range: string; substitutes?: ReadonlyMap<string, string> }): Card {
  const elements: CardElement[] = [markdown(t.planning.cardIntro(escapeMarkdown(options.supervisorName), options.visits.length))];
  for (const visit of options.visits) {
    const substituteCode = visit.note?.startsWith(SUBSTITUTE_NOTE) ? visit.note.slice(SUBSTITUTE_NOTE.length) : null;
    const substitute = substituteCode ? (options.substitutes?.get(substituteCode) ?? substituteCode) : null;
    elements.push(divider());
    elements.push(
      markdown(
        t.planning.cardSchool({
          name: escapeMarkdown(visit.schoolName),
          code: escapeMarkdown(visit.schoolCode),
          address: escapeMarkdown(visit.address),
          reason: t.planning.reasons[visit.reason] ?? visit.reason,
          topic: visit.topic ? escapeMarkdown(visit.topic) : null,
          status: t.planning.statuses[visit.status] ?? visit.status,
          substitute: substitute ? escapeMarkdown(substitute) : null,
        }),
      ),
    );
    if (visit.status === "planned" || visit.status === "missed")
      elements.push(button({ text: t.planning.reportButton, type: "primary", value: { action: "open_report", assignment_id: visit.id } }));
  }
  elements.push(divider(), markdown(t.planning.cardFooter));
  return card({ title: t.planning.cardTitle(options.week, options.range), template: "blue", elements });
}
