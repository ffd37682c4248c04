import type { digest as zh } from "../zh/digest.ts";

export const digest: typeof zh = {
  officeTitle: (week: string, range: string) => `Weekly digest · ${week} (${range})`,
  zoneTitle: (zone: string, week: string, range: string) => `${zone} · weekly digest · ${week} (${range})`,
  range: (from: string, to: string) => `${from.slice(5)} – ${to.slice(5)}`,
  emptyWeek: "No visits, problems or orders this week (a break, no plan yet, or a new roster).",

  visitsHeading: "**Visits**",
  visitsLine: (c, rate: string) => `Planned ${c.planned} · reported ${c.reported} (${rate} done) · missed ${c.missed} · carried over ${c.carried}`,
  levelLine: (level: string, c, rate: string) => `${level} zones: planned ${c.planned} · reported ${c.reported} (${rate}) · missed ${c.missed} · carried over ${c.carried}`,
  noVisits: "No visits were planned this week.",
  rateNone: "—",
  rate: (rate: number) => `${rate}%`,
  chartTitle: "Visits by zone",
  chartTitleByLevel: "Visits in city and district zones",
  series: { reported: "reported", missed: "missed", carried: "carried over" },
  zonesHeading: (shown: number, total: number) => (shown < total ? `**The ${shown} zones that did worst** (of ${total} with visits)` : `**Zones** (${total})`),
  columns: { zone: "Zone", level: "Level", planned: "Planned", reported: "Reported", missed: "Missed", carried: "Carried", rate: "Done" },
  more: (count: number, unit: string) => `… and ${count} more ${unit}`,
  units: { zones: "zones", problems: "serious problems", orders: "orders", schools: "schools", people: "supervisors" },

  officesHeading: (count: number) => `**District offices** (${count})`,
  officeLine: (name: string, planned: number, reported: number, rate: string, problems: number, overdue: number) =>
    `- ${name}: planned ${planned} · reported ${reported} (${rate}) · problems ${problems} · overdue orders ${overdue}`,
  seriousHeading: (count: number) => `**Serious problems** (${count})`,
  seriousLine: (school: string, item: string, text: string) => `- ${school} · ${item} · ${text}`,
  problemsHeading: (c) => `**Problems found**: ${c.total} (serious ${c.serious} · general ${c.general} · minor ${c.minor})`,
  byItem: (list: string) => `By routine item: ${list}`,
  byTopic: (list: string) => `By special topic: ${list}`,
  itemCount: (item: string, n: number) => `${item} (${n})`,
  itemSeparator: "; ",
  itemTopic: "special topic",
  itemOther: "other",
  noProblems: "**Problems found**: none this week.",

  ordersHeading: "**Orders**",
  ordersLine: (o) => `Issued this week ${o.issued} · closed this week ${o.closed} · open ${o.open} · overdue ${o.overdue} · overdue > 14 days ${o.escalation}`,
  escalationHeading: "Overdue more than 14 days (for a formal talk or bulletin):",
  escalationLine: (number: string, school: string, days: number) => `- ${number} · ${school} · ${days} days overdue`,

  unvisitedHeading: (month: string, count: number) => `**Schools not visited yet in ${month}** (${count})`,
  unvisitedNone: (month: string) => `**Schools not visited yet in ${month}**: none`,
  monthName: (month: string) => month,
  missesHeading: (month: string, count: number) => `**Supervisors with 2+ missed visits in ${month}** (${count})`,
  missLine: (name: string, code: string, missed: number) => `${name} (${code}) ${missed}`,
  missesNone: (month: string) => `**Supervisors with 2+ missed visits in ${month}**: none`,
  breakMonth: (month: string) => `${month} has had no school days so far: no unvisited schools or missed visits are listed.`,
  listSeparator: ", ",

  zoneButton: (zone: string) => `${zone} details`,
  zoneSent: "The zone's digest was sent to you in a direct message.",
  managersOnly: "Only managers can open a zone's digest.",
  officeFooter: (week: string) => `Details: send "digest ${week} &#60;zone code>" for one zone; "orders overdue" for overdue orders.`,
  zoneFooter: "Questions? Contact the supervision office.",

  personal: (week: string, name: string, done: number, missed: number, waiting: number) =>
    `${name}, your ${week} summary: ${done} visit(s) done, ${missed} missed; ${waiting} order(s) waiting for you${waiting ? ' (send "orders")' : ""}.`,

  digestLine: "`digest [week] [zone]` / `周报` — a finished week's digest, sent only to you (not to the group)",
  badArg: (text: string) => `"${text}" is not understood. Usage: digest [week] [zone code], e.g. "digest last" or "digest 2026-W48 Z01".`,
  notOver: (week: string) => `${week} is not over yet; its digest comes out next Monday. Ask for a finished week, e.g. "digest last".`,
  unknownZone: (code: string) => `There is no zone with code "${code}".`,
};
