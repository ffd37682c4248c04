/** The school's file (督导档案): one card, every list cut to its newest rows with the counts of the whole. */
import { daysOverdue, type OrderStatus } from "../../domain/orders.ts";
import type { FileOrder, FileProblem, FileVisit, SchoolFileData, SchoolHeader } from "../../domain/school-file.ts";
import type { Messages } from "../../i18n/index.ts";
import { card, divider, escapeMarkdown, markdown, type Card, type CardElement } from "./kit.ts";
import { photoBlock } from "./photo-block.ts";
import { problemItemLabel } from "./report-card.ts";

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
const DESCRIPTION_CHARS = 60;

function visitLines(t: Messages, visits: readonly FileVisit[], total: number): string[] {
  const s = t.schools;
  if (visits.length === 0) return [s.noVisits];
  const lines = visits.map((v) =>
    s.visitLine(
      v.visitDate ?? s.weekOf(v.week),
      (v.kind && (t.reports.kinds as Record<string, string>)[v.kind]) || (v.reason && t.planning.reasons[v.reason]) || t.common.none,
      t.planning.statuses[v.status] ?? v.status,
    ),
  );
  if (total > visits.length) lines.push(s.more(total - visits.length));
  return lines;
}

const problemFixed = (p: FileProblem) => Boolean(p.fixedOnSpot) || p.orderStatus === "closed";

function problemLines(t: Messages, problems: readonly FileProblem[], total: number): string[] {
  const s = t.schools;
  if (problems.length === 0) return [s.noProblems];
  const lines = problems.map((p) =>
    s.problemLine(
      p.visitDate,
      s.severities[p.severity] ?? p.severity,
      escapeMarkdown(problemItemLabel(t, p.item, p.topic)),
      escapeMarkdown(clip(p.description, DESCRIPTION_CHARS)),
      problemFixed(p) ? s.problemFixed : s.problemOpen(p.deadline),
    ),
  );
  if (total > problems.length) lines.push(s.more(total - problems.length));
  return lines;
}

function orderLines(t: Messages, orders: readonly FileOrder[], total: number, today: string): string[] {
  const s = t.schools;
  if (orders.length === 0) return [s.noOrders];
  const lines = orders.map((o) =>
    s.orderLine(escapeMarkdown(o.number), t.orders.statuses[o.status as OrderStatus] ?? o.status, o.dueDate, daysOverdue({ status: o.status as OrderStatus, dueDate: o.dueDate }, today)),
  );
  if (total > orders.length) lines.push(s.more(total - orders.length));
  return lines;
}

export function schoolFileCard(
  t: Messages,
  school: SchoolHeader,
  term: { name: string | null; from: string },
  data: SchoolFileData,
  imageKeys: readonly string[],
  today: string,
  /** the public's feedback this term (挂牌督导公示); not for a school's contact */
  feedback?: { received: number; replied: number; visited: number },
): Card {
  const s = t.schools;
  const visitTotal = Object.values(data.visitCounts).reduce((sum, n) => sum + n, 0);
  const counts = Object.entries(data.visitCounts)
    .map(([status, n]) => `${t.planning.statuses[status] ?? status} ${n}`)
    .join(" · ");
  const supervisor = school.supervisorName ? `${school.supervisorName}（${school.supervisorCode}）` : s.noSupervisor;
  const zone = school.zoneName ? `${school.zoneName}（${school.zoneCode}）` : school.zoneCode;
  const problemTotal = data.problemCounts.open + data.problemCounts.fixed;
  const elements: CardElement[] = [
    markdown(s.header(escapeMarkdown(supervisor), escapeMarkdown(zone))),
    divider(),
    markdown([s.visitsHeading(s.thisTerm(term.name ? escapeMarkdown(term.name) : null, term.from), visitTotal, counts), ...visitLines(t, data.visits, visitTotal)].join("\n")),
    markdown([s.problemsHeading(data.problemCounts.open, data.problemCounts.fixed), ...problemLines(t, data.problems, problemTotal)].join("\n")),
    markdown([s.ordersHeading(data.orderCounts.total, data.orderCounts.open, data.orderCounts.overdue), ...orderLines(t, data.orders, data.orderCounts.total, today)].join("\n")),
  ];
  if (feedback) elements.push(markdown(s.nameplate.fileLine(feedback.received, feedback.replied, feedback.visited)));
  if (data.photoCount > 0) {
    const block = photoBlock(t, imageKeys, imageKeys.length);
    elements.push(divider(), markdown(s.photosHeading(imageKeys.length, data.photoCount)), ...block.slice(1));
  }
  elements.push(markdown(s.footer));
  return card({ title: s.title(school.name, school.code), template: data.orderCounts.overdue > 0 ? "orange" : "blue", elements });
}
