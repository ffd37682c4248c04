import type { stats as zh } from "../zh/stats.ts";

const rate = (r: number | null) => (r === null ? "—" : `${r}%`);

export const stats: typeof zh = {
  line: "`stats [period] [zone] [export]` / `统计` — figures for a term, year, month or date range (this term by default); add `export` for an Excel file, `report` for the work report as a Word document",
  usage:
    "Usage: stats [period] [zone code] [export|report]. Period: 2026 (year), 2026-autumn / 2026-spring (a term of the school calendar), 2026-11 (month) or 2026-09-01~2026-12-31; this term when omitted.",
  badArg: (text: string) => `Cannot read "${text}".`,
  badDate: "Invalid date: write 2026-09-01~2026-12-31.",
  reversed: "The start date is after the end date.",
  tooLong: "At most one year (366 days) at a time.",
  noTerm: (label: string) => `The school calendar has no term "${label}". Add it with "calendar add term …", or use a year, month or date range.`,
  notStarted: (from: string) => `That period (from ${from}) has not started: no week to count yet.`,
  unknownZone: (code: string) => `There is no zone with code "${code}".`,
  directOnly: "Figures are sent in a direct chat only: use stats in your direct chat with the bot.",
  seasons: { autumn: "autumn term", spring: "spring term" },
  periodName: {
    year: (year: number) => `${year}`,
    term: (year: number, season: string) => `${year} ${season}`,
    month: (month: string) => month,
    range: (from: string, to: string) => `${from} to ${to}`,
  },
  title: (period: string, scope: string) => `Supervision figures · ${period}${scope ? ` · ${scope}` : ""}`,
  allScope: "",
  subtitle: (from: string, to: string, weeks: number, firstWeek: string, lastWeek: string, ongoing: boolean, asOf: string) =>
    `${from} to ${to} · ${weeks} weeks (${firstWeek}–${lastWeek}, as the weekly digests count)${ongoing ? ` · as of ${asOf}` : ""}`,
  empty: "No visits, reports, problems or documents in this period.",

  visitsHeading: "**Visits**",
  visitsLine: (v, r, onTime) =>
    `planned ${v.planned} · done ${v.reported} (${rate(r)}) · on time ${v.onTime} (${rate(onTime)}) · missed ${v.missed}${v.pending ? ` · due this week ${v.pending}` : ""} · carried over ${v.carried}`,
  levelLine: (level, v, r) => `${level} zones: planned ${v.planned} · done ${v.reported} (${rate(r)}) · missed ${v.missed}`,
  kindsLine: (total, list, unplanned) => `${total} visit reports: ${list}; ${unplanned} outside the plan`,
  kindCount: (kind, n) => `${kind} ${n}`,
  coverageLine: (covered, schools, r, months) =>
    months > 0 ? `Schools visited at least monthly: ${covered} / ${schools} (${rate(r)}, ${months} months with school days)` : "Monthly coverage: no month with school days in this period.",
  supervisorsHeading: (shown, total) => `**Lowest completion** (${shown} of ${total} supervisors with visits)`,
  supervisorLine: (name, code, reported, planned, r) => `${name} (${code}) ${reported}/${planned} (${rate(r)})`,
  more: (count, unit) => `… and ${count} more ${unit}`,
  units: { people: "supervisors", zones: "zones", items: "items" },

  zonesHeading: (count) => `**Zones** (${count})`,
  columns: { zone: "Zone", level: "Level", planned: "Planned", reported: "Done", missed: "Missed", rate: "Rate", coverage: "Monthly coverage" },
  chartTitle: "Completion by zone",
  chartTitleByLevel: "Completion by zone level",
  series: { reported: "done", missed: "missed", pending: "due this week" },
  problemsChartTitle: "Problems by item",
  severities: { serious: "serious", general: "general", minor: "minor" },

  problemsHeading: "**Problems found**",
  problemsLine: (p) => `${p.total} (serious ${p.serious} · general ${p.general} · minor ${p.minor})`,
  rectificationLine: (p) =>
    `fixed on the spot ${p.fixedOnSpot} · rectified and closed ${p.rectified} (by the deadline ${p.rectifiedOnTime}) · still open ${p.open} · overdue ${p.overdue}`,
  byItem: (list) => `By item: ${list}`,
  itemCount: (item, n) => `${item} (${n})`,
  itemSeparator: "; ",

  documentsHeading: "**Documents**",
  documentsLine: (d) =>
    `issued ${d.issued} · acknowledged ${d.acknowledged} · closed ${d.closed} (on time ${d.closedOnTime}) · extended ${d.extended} · open ${d.open} (overdue ${d.overdue}, more than 14 days ${d.escalated})`,
  byKind: (list) => `Issued by kind: ${list}`,

  footer: 'Send "stats … export" for the Excel workbook (zones, problems, documents, supervisors); "digest &#60;week>" for one week.',

  exportSent: (period) => `The figures for ${period} are being sent as an Excel file.`,
  fileName: (period) => `supervision-figures_${period.replace(/\s+/g, "-")}.xlsx`,
  sheets: { zones: "Zones", problems: "Problems by item", documents: "Documents", supervisors: "Supervisors" },
  headers: {
    zones: ["zone_code", "zone", "level", "planned", "done", "on_time", "missed", "due_this_week", "carried_over", "rate_%", "schools", "schools_covered_monthly", "coverage_%"],
    problems: ["item", "topic", "severity", "problems", "fixed_on_spot", "rectified", "rectified_on_time", "open", "overdue"],
    documents: ["kind", "issued", "acknowledged", "closed", "closed_on_time", "extended", "open", "overdue", "overdue_14_days"],
    supervisors: ["supervisor_code", "supervisor", "zone_code", "planned", "done", "on_time", "missed", "rate_%"],
  },
  totalRow: "Total",

  // the header's subtitle is one line on a phone: the dates there, the weeks in the body (issue 25)
  subtitleShort: (from: string, to: string) => `${from} to ${to}`,
  // the work report as a Word document (issue 26): `stats <period> report`
  report: {
    words: ["报告", "工作报告", "report"],
    sent: (period: string) => `The work report for ${period} is ready; the file follows by direct message.`,
    tooLarge: "The work report is over 1.5 MB and cannot be sent; choose a shorter period or a zone.",
    title: (office: string, period: string) => `${office}: supervision work report, ${period}`,
    subtitle: (from: string, to: string) => `(${from} to ${to})`,
    basics: "1. Overview",
    basicsLine: (f: { offices: number; city: number; district: number; supervisors: number; schools: number }) =>
      `${f.offices ? `${f.offices} offices; ` : ""}${f.city + f.district} zones (${f.city} city, ${f.district} district); ${f.supervisors} supervisors with planned visits; ${f.schools} schools.`,
    visits: "2. Visits",
    problems: "3. Problems and rectification",
    documents: "4. Orders and notices",
    topics: "5. Special topics",
    topicLine: (topic: string, n: number, rectified: number, open: number) => `${topic}: ${n} problems found, ${rectified} rectified, ${open} open.`,
    noTopics: "No problems were found in special-topic visits in this period.",
    offices: "7. District offices",
    officesHeader: ["Office", "Planned", "Done", "Rate", "Missed", "Problems", "Open", "Orders issued", "Orders overdue"],
    next: (hasOffices: boolean) => (hasOffices ? "8. Shortcomings and next steps" : "7. Shortcomings and next steps"),
    missedLine: (missed: number, planned: number) => `(1) Visits: ${missed} planned visits were missed (of ${planned}); their zones and supervisors will be followed up.`,
    overdueLine: (overdue: number, escalated: number) => `(2) Orders: ${overdue} orders are overdue, ${escalated} of them by more than 14 days; formal talks or bulletins will follow.`,
    openProblemsLine: (open: number, overdue: number) => `(3) Rectification: ${open} problems are still open, ${overdue} of them overdue; they will be checked again until closed.`,
    zonesHeader: ["Zone", "Level", "Planned", "Done", "Missed", "Rate", "Schools", "Monthly coverage"],
    itemsHeader: ["Item", "Problems", "Serious", "General", "Minor", "Rectified", "Open", "Overdue"],
    documentsHeader: ["Kind", "Issued", "Acknowledged", "Closed", "Closed on time", "Extended", "Open", "Overdue"],
    rate: (r: number | null) => (r === null ? "—" : `${r}%`),
    fileName: (label: string) => `work-report_${label}.docx`,
    goodPractice: "6. Good practice",
    goodPracticeLine: (school: string, date: string, text: string) => `${school} (${date}): "${text}"`,
    noGoodPractice: "No good practice was recorded in this period's reports.",
  },
};
