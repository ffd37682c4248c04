import type { exports as zh } from "../zh/exports.ts";

export const exports: typeof zh = {
  line: "`export orders|reports|visits|feedback [from] [to] [csv]` / `导出` — an Excel file (this month by default; add csv for a CSV file)",
  usage: 'Usage: export orders|reports|visits|feedback [from] [to] [csv], e.g. "export reports 2026-11-01 2026-11-30". Without dates: this month. An Excel file, or CSV with a final "csv".',
  badDate: (text: string) => `Cannot read the date "${text}"; write it as 2026-11-01.`,
  reversed: "The start date is after the end date.",
  tooLong: "At most one year at a time: please narrow the dates.",
  tooLarge: (rows: number) => `Too much data (${rows} rows): please narrow the dates.`,
  directOnly: 'Exports are sent only in a direct chat with the bot: please use "export" there.',
  sent: (kind: string, rows: number, from: string, to: string) => `Exported ${rows} ${kind} rows (${from} to ${to}); the file follows.`,
  empty: (kind: string, from: string, to: string) => `No ${kind} from ${from} to ${to}.`,
  kinds: { orders: "order", reports: "report", visits: "visit", feedback: "public feedback" },
  fileNames: { orders: "orders", reports: "reports", visits: "visits", feedback: "feedback" },
  headers: {
    orders: ["number", "kind", "school_code", "school", "zone_code", "zone", "status", "issued_on", "due_date", "closed_on", "issued_by", "text"],
    reports: ["report", "week", "visit_date", "school_code", "school", "supervisor_code", "supervisor", "kind", "version", "on_behalf", "submitted_by", "problems", "serious_problems", "findings"],
    visits: ["week", "supervisor_code", "supervisor", "school_code", "school", "zone_code", "reason", "topic", "status", "note"],
    feedback: ["reference", "received_on", "school_code", "school", "zone_code", "kind", "status", "reply", "checked_with_visit", "text"],
  },
  yes: "yes",
  no: "no",
};
