/**
 * The `stats` card (Card JSON 2.0): the period's figures as markdown lines, a stacked bar chart of
 * completion by zone (or zone level), a bar chart of problems by item, a zone table and the
 * supervisors with the lowest completion. Lists are short (top N with "and M more"); the workbook
 * (`stats … export`) has every row. Well under Feishu's limits: about 20 elements, a few KB.
 */
import { completionRate } from "../../domain/digest.ts";
import type { Stats, StatsPeriod } from "../../domain/stats.ts";
import type { Messages } from "../../i18n/index.ts";
import { card, escapeMarkdown, markdown, type Card, type CardElement } from "./kit.ts";

const TABLE_ROWS = 10;

export function periodLabel(t: Messages, period: StatsPeriod): string {
  const spec = period.spec;
  const n = t.stats.periodName;
  if (spec.kind === "year") return n.year(spec.year);
  if (spec.kind === "month") return n.month(spec.month);
  if (spec.kind === "range") return n.range(spec.from, spec.to);
  if (period.termName) return period.termName;
  const season = Number(period.from.slice(5, 7)) >= 7 ? "autumn" : "spring";
  return n.term(Number(period.from.slice(0, 4)), t.stats.seasons[season]);
}

export function itemLabel(t: Messages, item: string, topic: string | null): string {
  if (item === "topic") return topic ? `${t.digest.itemTopic}（${topic}）` : t.digest.itemTopic;
  if (item === "other") return t.digest.itemOther;
  return (t.reports.items as Record<string, string>)[item] ?? item;
}

const rateText = (rate: number | null) => (rate === null ? "—" : `${rate}%`);

function completionChart(t: Messages, stats: Stats): CardElement {
  const values: { group: string; type: string; count: number }[] = [];
  for (const bar of stats.chart) {
    const group = bar.level ? t.common.zoneLevels[bar.level] : bar.label;
    values.push({ group, type: t.stats.series.reported, count: bar.reported }, { group, type: t.stats.series.missed, count: bar.missed });
    if (bar.pending) values.push({ group, type: t.stats.series.pending, count: bar.pending });
  }
  return {
    tag: "chart",
    aspect_ratio: stats.chart.length > 6 ? "16:9" : "2:1",
    chart_spec: {
      type: "bar",
      title: { text: stats.chartByLevel ? t.stats.chartTitleByLevel : t.stats.chartTitle },
      data: { values },
      xField: "group",
      yField: "count",
      seriesField: "type",
      stack: true,
      legends: { visible: true, orient: "bottom" },
      label: { visible: true },
    },
  };
}

function problemsChart(t: Messages, stats: Stats): CardElement {
  const values: { item: string; severity: string; count: number }[] = [];
  for (const row of stats.byItemAndSeverity) values.push({ item: itemLabel(t, row.item, row.topic), severity: t.stats.severities[row.severity], count: row.total });
  return {
    tag: "chart",
    aspect_ratio: "16:9",
    chart_spec: {
      type: "bar",
      direction: "horizontal",
      title: { text: t.stats.problemsChartTitle },
      data: { values },
      xField: "count",
      yField: "item",
      seriesField: "severity",
      stack: true,
      legends: { visible: true, orient: "bottom" },
    },
  };
}

function zoneTable(t: Messages, stats: Stats): CardElement {
  const c = t.stats.columns;
  const number = (name: string, display: string) => ({ name, display_name: display, data_type: "number", format: { precision: 0 }, width: "auto" });
  return {
    tag: "table",
    page_size: TABLE_ROWS,
    row_height: "low",
    header_style: { background_style: "grey", bold: true },
    columns: [
      { name: "zone", display_name: c.zone, data_type: "text", width: "auto" },
      { name: "level", display_name: c.level, data_type: "text", width: "auto" },
      number("planned", c.planned),
      number("reported", c.reported),
      number("missed", c.missed),
      { name: "rate", display_name: c.rate, data_type: "text", width: "auto" },
      { name: "coverage", display_name: c.coverage, data_type: "text", width: "auto" },
    ],
    // worst first, as the digest's table; the workbook lists every zone by code
    rows: [...stats.zones]
      .filter((z) => z.planned > 0 || z.schools > 0)
      .sort((a, b) => (a.rate ?? 101) - (b.rate ?? 101) || b.missed - a.missed || (a.code < b.code ? -1 : 1))
      .slice(0, TABLE_ROWS)
      .map((z) => ({
        zone: `${z.name}（${z.code}）`,
        level: t.common.zoneLevels[z.level],
        planned: z.planned,
        reported: z.reported,
        missed: z.missed,
        rate: rateText(z.rate),
        coverage: rateText(z.coverageRate),
      })),
  };
}

export function statsCard(t: Messages, stats: Stats, feedback?: { received: number; replied: number; visited: number }): Card {
  const s = t.stats;
  const p = stats.period;
  const scope = stats.scope.kind === "zones" ? stats.scope.label : s.allScope;
  const title = s.title(periodLabel(t, p), scope);
  // one line on a phone (a longer subtitle is cut): the dates; the weeks and "as of" open the body
  const subtitle = s.subtitleShort(p.from, p.to);
  const elements: CardElement[] = [markdown(s.subtitle(p.from, p.to, p.weeks.length, p.weeks[0]!, p.weeks.at(-1)!, p.ongoing, p.asOf))];
  // the public's feedback from the schools' pages (挂牌督导公示)
  const feedbackLine = feedback && feedback.received > 0 ? [markdown(t.schools.nameplate.statsLine(feedback.received, feedback.replied, feedback.visited))] : [];
  if (stats.empty) {
    elements.push(markdown(s.empty), ...feedbackLine);
    return card({ title, subtitle, template: "grey", elements });
  }

  // visits
  const v = stats.visits;
  const visitLines = [s.visitsHeading, s.visitsLine(v, stats.rate, stats.onTimeRate)];
  if (stats.scope.kind === "all")
    for (const level of ["city", "district"] as const)
      if (stats.byLevel[level].planned > 0) visitLines.push(s.levelLine(t.common.zoneLevels[level], stats.byLevel[level], completionRate(stats.byLevel[level])));
  const kinds = stats.reportsByKind.map((row) => s.kindCount((t.reports.kinds as Record<string, string>)[row.kind] ?? row.kind, row.n)).join(" · ");
  visitLines.push(s.kindsLine(stats.reports, kinds, stats.unplannedReports));
  visitLines.push(s.coverageLine(stats.coveredSchools, stats.schools, stats.coverageRate, p.months.length));
  elements.push(markdown(visitLines.join("\n")));
  if (stats.chart.length >= 2) elements.push(completionChart(t, stats));
  const tableZones = stats.zones.filter((z) => z.planned > 0 || z.schools > 0);
  if (tableZones.length > 1) {
    elements.push(markdown(s.zonesHeading(tableZones.length)));
    elements.push(zoneTable(t, stats));
    if (tableZones.length > TABLE_ROWS) elements.push(markdown(s.more(tableZones.length - TABLE_ROWS, s.units.zones)));
  }
  const low = stats.lowestSupervisors;
  if (low.total > 0) {
    const lines = [s.supervisorsHeading(low.shown.length, low.total), ...low.shown.map((row) => `- ${s.supervisorLine(escapeMarkdown(row.name), escapeMarkdown(row.code), row.reported, row.planned, row.rate)}`)];
    if (low.more > 0) lines.push(s.more(low.more, s.units.people));
    elements.push(markdown(lines.join("\n")));
  }

  // problems
  const problemLines = [s.problemsHeading, s.problemsLine(stats.problems)];
  if (stats.problems.total > 0) {
    problemLines.push(s.rectificationLine(stats.problems));
    problemLines.push(s.byItem(stats.byItem.map((row) => s.itemCount(escapeMarkdown(itemLabel(t, row.item, row.topic)), row.total)).join(s.itemSeparator)));
  }
  elements.push(markdown(problemLines.join("\n")));
  if (stats.byItem.length >= 2) elements.push(problemsChart(t, stats));

  // documents
  const byKind = stats.documentsByKind
    .filter((row) => row.issued > 0 || row.kind !== "rectification_item")
    .map((row) => s.kindCount(t.orders.kinds[row.kind], row.issued))
    .join(" · ");
  elements.push(markdown([s.documentsHeading, s.documentsLine(stats.documents), s.byKind(byKind)].join("\n")));
  elements.push(...feedbackLine);

  elements.push(markdown(s.footer));
  const template = stats.documents.escalated > 0 || stats.problems.overdue > 0 ? "orange" : "blue";
  return card({ title, subtitle, template, elements });
}
