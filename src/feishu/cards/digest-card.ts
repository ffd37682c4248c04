/**
 * The weekly digest card (Card JSON 2.0): numbers as markdown, a stacked bar
 * chart (VChart spec) of reported / missed / carried-over visits by zone (or by
 * zone level when there are many zones), a table of the worst zones, and short
 * lists cut to the top N with "and M more". Always under MAX_CARD_BYTES: when a
 * card is too big its lists are cut further.
 */
import { completionRate, type Digest, type Summary } from "../../domain/digest.ts";
import type { Messages } from "../../i18n/index.ts";
import { cardFits, cardMessageBodyBytes } from "../conformance.ts";
import { button, card, columns, escapeMarkdown, markdown, type Card, type CardElement } from "./kit.ts";

/** the card action that sends one zone's digest to the manager who clicks (actions/digest-zone.ts) */
export const DIGEST_ZONE_ACTION = "digest_zone";

/** Feishu's limit is 30 KB per card message body (conformance.ts); keep a margin. */
export const MAX_CARD_BYTES = 28 * 1024;
const LINE_CHARS = 40;

/** The bytes Feishu measures: the request body with the card inside as a JSON string. */
export const cardBytes = (value: unknown) => cardMessageBodyBytes(value);

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > LINE_CHARS ? `${flat.slice(0, LINE_CHARS)}…` : flat;
}

function itemName(t: Messages, item: string, topic: string | null): string {
  if (item === "topic") return topic ? `${t.digest.itemTopic}（${topic}）` : t.digest.itemTopic;
  if (item === "other") return t.digest.itemOther;
  return (t.reports.items as Record<string, string>)[item] ?? item;
}

const rateText = (t: Messages, rate: number | null) => (rate === null ? t.digest.rateNone : t.digest.rate(rate));

function moreLine<T>(t: Messages, summary: Summary<T>, unit: string): string[] {
  return summary.more > 0 ? [t.digest.more(summary.more, unit)] : [];
}

function chartElement(t: Messages, digest: Digest): CardElement {
  const values: { group: string; type: string; count: number }[] = [];
  for (const bar of digest.chart) {
    const group = bar.level ? t.common.zoneLevels[bar.level] : bar.label;
    values.push(
      { group, type: t.digest.series.reported, count: bar.counts.reported },
      { group, type: t.digest.series.missed, count: bar.counts.missed },
      { group, type: t.digest.series.carried, count: bar.counts.carried },
    );
  }
  return {
    tag: "chart",
    aspect_ratio: digest.chart.length > 6 ? "16:9" : "2:1",
    chart_spec: {
      type: "bar",
      title: { text: digest.chartByLevel ? t.digest.chartTitleByLevel : t.digest.chartTitle },
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

function zoneTable(t: Messages, digest: Digest): CardElement {
  const c = t.digest.columns;
  const number = (name: string, display: string) => ({ name, display_name: display, data_type: "number", format: { precision: 0 }, width: "auto" });
  return {
    tag: "table",
    page_size: 10,
    row_height: "low",
    header_style: { background_style: "grey", bold: true },
    columns: [
      { name: "zone", display_name: c.zone, data_type: "text", width: "auto" },
      { name: "level", display_name: c.level, data_type: "text", width: "auto" },
      number("planned", c.planned),
      number("reported", c.reported),
      number("missed", c.missed),
      number("carried", c.carried),
      { name: "rate", display_name: c.rate, data_type: "text", width: "auto" },
    ],
    rows: digest.zones.shown.map((z) => ({
      zone: `${z.name}（${z.code}）`,
      level: t.common.zoneLevels[z.level],
      planned: z.planned,
      reported: z.reported,
      missed: z.missed,
      carried: z.carried,
      rate: rateText(t, z.rate),
    })),
  };
}

function monthLabel(t: Messages, digest: Digest): string {
  return t.digest.monthName(digest.window.monthStart.slice(0, 7));
}

function elements(t: Messages, digest: Digest): CardElement[] {
  const d = t.digest;
  const out: CardElement[] = [];
  const office = digest.scope.kind === "office";
  if (digest.empty) out.push(markdown(d.emptyWeek));

  // visits
  if (digest.visits.planned + digest.visits.carried > 0) {
    const lines = [d.visitsHeading, d.visitsLine(digest.visits, rateText(t, digest.rate))];
    if (office)
      for (const level of ["city", "district"] as const)
        lines.push(d.levelLine(t.common.zoneLevels[level], digest.byLevel[level], rateText(t, completionRate(digest.byLevel[level]))));
    out.push(markdown(lines.join("\n")));
    if (office && digest.chart.length >= 2) out.push(chartElement(t, digest));
    if (office && digest.zones.total > 0) {
      out.push(markdown(d.zonesHeading(digest.zones.shown.length, digest.zones.total)));
      out.push(zoneTable(t, digest));
      if (digest.zones.more > 0) out.push(markdown(d.more(digest.zones.more, d.units.zones)));
      const buttons = digest.zones.shown
        .slice(0, 5)
        .map((z) => [button({ text: d.zoneButton(z.code), value: { action: DIGEST_ZONE_ACTION, week: digest.week, zone: z.code } })]);
      if (buttons.length > 1) out.push(columns(buttons));
    }
  } else if (!digest.empty) {
    out.push(markdown(`${d.visitsHeading}\n${d.noVisits}`));
  }

  if (digest.offices.length > 0) {
    const lines = [d.officesHeading(digest.offices.length), ...digest.offices.map((line) => d.officeLine(escapeMarkdown(line.name), line.planned, line.reported, rateText(t, line.rate), line.problems, line.overdue))];
    out.push(markdown(lines.join("\n")));
  }

  // problems
  if (digest.problems.total > 0) {
    const lines = [d.problemsHeading(digest.problems)];
    const items = digest.byItem.filter((row) => row.item !== "topic");
    if (items.length) lines.push(d.byItem(items.map((row) => d.itemCount(itemName(t, row.item, null), row.n)).join(d.itemSeparator)));
    if (digest.byTopic.length) lines.push(d.byTopic(digest.byTopic.map((row) => d.itemCount(escapeMarkdown(row.topic), row.n)).join(d.itemSeparator)));
    out.push(markdown(lines.join("\n")));
    if (digest.problems.serious > 0) {
      const serious = [
        d.seriousHeading(digest.problems.serious),
        ...digest.seriousList.shown.map((row) => d.seriousLine(escapeMarkdown(row.schoolName), escapeMarkdown(itemName(t, row.item, row.topic)), escapeMarkdown(oneLine(row.description))) + t.photos.countTag(row.photos ?? 0)),
        ...moreLine(t, digest.seriousList, d.units.problems),
      ];
      out.push(markdown(serious.join("\n")));
    }
  } else if (!digest.empty) {
    out.push(markdown(d.noProblems));
  }

  // orders
  const o = digest.orders;
  if (o.issued + o.closed + o.open > 0) {
    const lines = [d.ordersHeading, d.ordersLine(o)];
    if (digest.escalations.total > 0) {
      lines.push(d.escalationHeading);
      lines.push(...digest.escalations.shown.map((row) => d.escalationLine(escapeMarkdown(row.number), escapeMarkdown(row.schoolName), row.days)));
      lines.push(...moreLine(t, digest.escalations, d.units.orders));
    }
    out.push(markdown(lines.join("\n")));
  }

  // this month
  const month = monthLabel(t, digest);
  if (!digest.monthHasSchoolDays) {
    if (!digest.empty) out.push(markdown(d.breakMonth(month)));
  } else if (!digest.empty || digest.unvisited.total > 0 || digest.misses.total > 0) {
    const unvisited =
      digest.unvisited.total > 0
        ? [
            d.unvisitedHeading(month, digest.unvisited.total),
            digest.unvisited.shown.map((s) => escapeMarkdown(s.name)).join(d.listSeparator) + (digest.unvisited.more > 0 ? ` ${d.more(digest.unvisited.more, d.units.schools)}` : ""),
          ].join("\n")
        : d.unvisitedNone(month);
    const misses =
      digest.misses.total > 0
        ? [
            d.missesHeading(month, digest.misses.total),
            digest.misses.shown.map((m) => d.missLine(escapeMarkdown(m.name), escapeMarkdown(m.code), m.missed)).join(d.listSeparator) +
              (digest.misses.more > 0 ? ` ${d.more(digest.misses.more, d.units.people)}` : ""),
          ].join("\n")
        : d.missesNone(month);
    out.push(markdown(`${unvisited}\n${misses}`));
  }

  // the public's feedback from the schools' pages (挂牌督导公示), when there was any
  const f = digest.feedback;
  if (f && f.received > 0) out.push(markdown(t.schools.nameplate.digestLine(f.received, f.replied, f.visited)));
  out.push(markdown(office ? d.officeFooter(digest.week) : d.zoneFooter));
  return out;
}

function cut<T>(summary: Summary<T>, n: number): Summary<T> {
  const shown = summary.shown.slice(0, n);
  return { total: summary.total, shown, more: summary.total - shown.length };
}

/** The digest card for the office group, a zone lead or a manager asking for it. */
export function digestCard(t: Messages, digest: Digest): Card {
  const range = t.digest.range(digest.window.monday, digest.window.sunday);
  const title =
    digest.scope.kind === "office"
      ? digest.scope.officeName
        ? t.digest.zoneTitle(digest.scope.officeName, digest.week, range)
        : t.digest.officeTitle(digest.week, range)
      : t.digest.zoneTitle(digest.zoneName ?? "", digest.week, range);
  const template = digest.empty ? "grey" : digest.orders.escalation > 0 || digest.problems.serious > 0 ? "orange" : "blue";
  let current = digest;
  for (const n of [Infinity, 10, 5, 3, 1, 0]) {
    if (n !== Infinity)
      current = {
        ...digest,
        zones: cut(digest.zones, n),
        seriousList: cut(digest.seriousList, n),
        escalations: cut(digest.escalations, n),
        unvisited: cut(digest.unvisited, n),
        misses: cut(digest.misses, n),
      };
    const built = card({ title, template, elements: elements(t, current) });
    if (cardFits(built, MAX_CARD_BYTES) || n === 0) return built;
  }
  throw new Error("unreachable");
}
