/**
 * The office's work report for a period as a Word document (issue 26, `统计 <期间> 报告`). Every figure is the stats
 * use case's (domain/stats.ts `buildStats` over db/stats.ts's rows), and every sentence that carries figures the
 * stats card's own line, so the report says what `统计` shows for the same period and scope.
 */
import { goodPractices, type GoodPracticeRow } from "../db/documents.ts";
import { loadOffices } from "../db/offices.ts";
import { chineseDate } from "../documents/layout.ts";
import { completionRate } from "../domain/digest.ts";
import { buildStats, type Stats, type StatsData, type StatsScope } from "../domain/stats.ts";
import { localDate } from "../domain/time.ts";
import type { ReportSection } from "../documents/work-report.ts";
import { itemLabel, periodLabel } from "../feishu/cards/stats-card.ts";
import type { Messages } from "../i18n/index.ts";
import type { Actor } from "../domain/people.ts";
import { MAX_DOCUMENT_BASE64 } from "./documents.ts";
import type { Services } from "./services.ts";

function sections(t: Messages, stats: Stats, officeRows: { name: string; stats: Stats }[], officeCount: number, practices: readonly GoodPracticeRow[]): ReportSection[] {
  const s = t.stats;
  const r = s.report;
  const levels = { city: 0, district: 0 };
  for (const zone of stats.zones) levels[zone.level]++;
  const kinds = stats.reportsByKind.map((row) => s.kindCount((t.reports.kinds as Record<string, string>)[row.kind] ?? row.kind, row.n)).join(" · ");
  const visitLines = [s.visitsLine(stats.visits, stats.rate, stats.onTimeRate)];
  if (stats.scope.kind === "all")
    for (const level of ["city", "district"] as const)
      if (stats.byLevel[level].planned > 0) visitLines.push(s.levelLine(t.common.zoneLevels[level], stats.byLevel[level], completionRate(stats.byLevel[level])));
  visitLines.push(s.kindsLine(stats.reports, kinds, stats.unplannedReports), s.coverageLine(stats.coveredSchools, stats.schools, stats.coverageRate, stats.period.months.length));
  const byKind = stats.documentsByKind
    .filter((row) => row.issued > 0 || row.kind !== "rectification_item")
    .map((row) => s.kindCount(t.orders.kinds[row.kind], row.issued))
    .join(" · ");
  const topics = stats.byItem.filter((row) => row.topic);
  const result: ReportSection[] = [
    { heading: r.basics, paragraphs: [r.basicsLine({ offices: officeCount, city: levels.city, district: levels.district, supervisors: stats.supervisors.length, schools: stats.schools })] },
    {
      heading: r.visits,
      paragraphs: visitLines,
      table: [
        r.zonesHeader,
        ...stats.zones.map((z) => [`${z.name}（${z.code}）`, t.common.zoneLevels[z.level], z.planned, z.reported, z.missed, r.rate(z.rate), z.schools, r.rate(z.coverageRate)]),
      ],
    },
    {
      heading: r.problems,
      paragraphs: [s.problemsLine(stats.problems), ...(stats.problems.total > 0 ? [s.rectificationLine(stats.problems)] : [])],
      table: [r.itemsHeader, ...stats.byItem.map((row) => [itemLabel(t, row.item, row.topic), row.total, row.serious, row.general, row.minor, row.rectified, row.open, row.overdue])],
    },
    {
      heading: r.documents,
      paragraphs: [s.documentsLine(stats.documents), s.byKind(byKind)],
      table: [r.documentsHeader, ...stats.documentsByKind.filter((row) => row.issued > 0).map((row) => [t.orders.kinds[row.kind], row.issued, row.acknowledged, row.closed, row.closedOnTime, row.extended, row.open, row.overdue])],
    },
    { heading: r.topics, paragraphs: topics.length ? topics.map((row) => r.topicLine(row.topic!, row.total, row.rectified, row.open)) : [r.noTopics] },
    {
      heading: r.goodPractice,
      paragraphs: practices.length ? practices.map((row) => r.goodPracticeLine(row.school, chineseDate(row.visitDate), row.text.replace(/\s+/g, " ").trim())) : [r.noGoodPractice],
    },
  ];
  if (officeRows.length)
    result.push({
      heading: r.offices,
      paragraphs: [],
      table: [
        r.officesHeader,
        ...officeRows.map(({ name, stats: o }) => [name, o.visits.planned, o.visits.reported, r.rate(o.rate), o.visits.missed, o.problems.total, o.problems.open, o.documents.issued, o.documents.overdue]),
      ],
    });
  result.push({
    heading: r.next(officeRows.length > 0),
    paragraphs: [r.missedLine(stats.visits.missed, stats.visits.planned), r.overdueLine(stats.documents.overdue, stats.documents.escalated), r.openProblemsLine(stats.problems.open, stats.problems.overdue)],
  });
  return result;
}

export type WorkReportResult = { ok: true; period: string; fileName: string; docx_base64: string } | { ok: false; reason: "too-large" };

/** Builds the report for the asker's office (in `t`'s language); the command sends it. */
export async function workReport(services: Pick<Services, "db" | "d1" | "nowMs" | "config">, t: Messages, actor: Actor, data: StatsData, stats: Stats, scope: StatsScope): Promise<WorkReportResult> {
  const offices = await loadOffices(services.db);
  const own = actor.scope.office;
  // a row per district office for the city office (the whole scope), each with the same figures `统计` gives its managers
  const districtOffices = scope.kind === "all" ? offices.filter((office) => office.district) : [];
  const officeRows = districtOffices.map((office) => {
    const codes = data.zones.filter((zone) => zone.level === "district" && zone.district === office.district).map((zone) => zone.code);
    return { name: office.name, stats: buildStats(data, { kind: "zones", codes, label: office.name }) };
  });
  const practices = await goodPractices(services.d1, stats.period.from, stats.period.to, scope.kind === "zones" ? scope.codes : null);
  const officeName = own?.name ?? t.orders.document.officeFallback;
  const period = periodLabel(t, stats.period);
  const { buildWorkReport } = await import("../documents/work-report.ts");
  const base64 = await buildWorkReport({
    title: t.stats.report.title(officeName, period),
    subtitle: t.stats.report.subtitle(stats.period.from, stats.period.to),
    officeName,
    sections: sections(t, stats, officeRows, scope.kind === "all" ? offices.length : 0, practices),
    writtenOn: localDate(services.nowMs, services.config.TIMEZONE),
  });
  if (base64.length > MAX_DOCUMENT_BASE64) return { ok: false, reason: "too-large" };
  const label = period + (scope.kind === "zones" ? `_${scope.label || scope.codes.slice(0, 5).join("-")}` : "");
  return { ok: true, period, fileName: t.stats.report.fileName(label), docx_base64: base64 };
}
