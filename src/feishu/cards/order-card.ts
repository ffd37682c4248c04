/** Cards of supervision orders: the order itself (with its action forms), the issue form, the issued answer, the extension decision. */
import { daysOverdue, ESCALATION_DAYS, MAX_LINKS_TEXT, MAX_NOTE_TEXT, MAX_ORDER_TEXT, DEFAULT_ORDER_PREFIXES, type OrderEventView, type OrderKind, type OrderView } from "../../domain/orders.ts";
import { localDate, localDateTime } from "../../domain/time.ts";
import type { Messages } from "../../i18n/index.ts";
import { cardFits } from "../conformance.ts";
import { MAX_CARD_BYTES } from "./digest-card.ts";
import { button, card, divider, escapeMarkdown, markdown, plainText, type Card, type CardElement, type HeaderTemplate } from "./kit.ts";

export type { OrderEventView, OrderView } from "../../domain/orders.ts";

const input = (options: { name: string; label: string; placeholder: string; required?: boolean; multiline?: boolean; maxLength?: number }): CardElement => ({
  tag: "input",
  name: options.name,
  required: options.required ?? false,
  ...(options.multiline ? { input_type: "multiline_text", rows: 3 } : {}),
  max_length: options.maxLength ?? MAX_NOTE_TEXT,
  label: plainText(options.label),
  placeholder: plainText(options.placeholder),
});

const select = (name: string, placeholder: string, options: { text: string; value: string }[], initial?: string): CardElement => ({
  tag: "select_static",
  name,
  required: true,
  placeholder: plainText(placeholder),
  options: options.map((o) => ({ text: plainText(o.text), value: o.value })),
  ...(initial ? { initial_option: initial } : {}),
});

const datePicker = (name: string, placeholder: string, initial?: string): CardElement => ({
  tag: "date_picker",
  name,
  required: true,
  placeholder: plainText(placeholder),
  ...(initial ? { initial_date: initial } : {}),
});

const form = (name: string, elements: CardElement[]): CardElement => ({ tag: "form", name, elements });

function statusText(t: Messages, order: Pick<OrderView, "status" | "dueDate">, today: string): string {
  const overdue = daysOverdue(order, today);
  const tag = overdue > ESCALATION_DAYS ? t.orders.overdueTag(overdue) + t.orders.escalationTag : overdue > 0 ? t.orders.overdueTag(overdue) : "";
  return t.orders.statuses[order.status] + tag;
}

export function orderDetails(t: Messages, order: OrderView, today: string, timeZone: string): CardElement[] {
  return [
    markdown(
      t.orders.details({
        school: escapeMarkdown(`${order.schoolName}（${order.schoolCode}）`),
        due: order.dueDate,
        status: statusText(t, order, today),
        issuedBy: escapeMarkdown(order.issuedByName),
        issuedOn: localDate(order.issuedAt, timeZone),
      }),
    ),
    markdown(`${t.orders.textHeading}\n${escapeMarkdown(order.text)}`),
  ];
}

/** The acknowledge button and the report / extension forms for the school's supervisor and contacts. */
export function recipientActions(t: Messages, order: Pick<OrderView, "number" | "status">): CardElement[] {
  if (order.status === "closed" || order.status === "cancelled") return [];
  const elements: CardElement[] = [];
  if (order.status === "issued") elements.push(button({ text: t.orders.ackButton, type: "primary", value: { action: "order_ack", number: order.number } }));
  if (order.status !== "reported") {
    elements.push(
      divider(),
      markdown(t.orders.reportHeading),
      form("report_form", [
        input({ name: "done", label: t.orders.reportDone, placeholder: t.orders.reportDonePlaceholder, required: true, multiline: true, maxLength: MAX_NOTE_TEXT }),
        select("result", t.orders.reportResult, [
          { text: t.orders.results.done, value: "done" },
          { text: t.orders.results.partly, value: "partly" },
        ]),
        input({ name: "links", label: t.orders.reportLinks, placeholder: t.orders.reportLinksPlaceholder, maxLength: MAX_LINKS_TEXT }),
        button({ text: t.orders.reportSubmit, type: "primary", name: "report_submit", formAction: "submit", value: { action: "order_report", number: order.number } }),
      ]),
    );
  }
  elements.push(
    divider(),
    markdown(t.orders.extensionHeading),
    form("extension_form", [
      datePicker("ext_due", t.orders.extensionDue),
      input({ name: "ext_reason", label: t.orders.extensionReason, placeholder: t.orders.extensionReason, required: true, maxLength: MAX_NOTE_TEXT }),
      button({ text: t.orders.extensionSubmit, name: "extension_submit", formAction: "submit", value: { action: "order_extension_request", number: order.number } }),
    ]),
  );
  return elements;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** The trail, the latest `last` entries with notes cut to `noteChars` (a long trail must fit in one card). */
export function historyElements(
  t: Messages,
  events: readonly OrderEventView[],
  timeZone: string,
  cut: { noteChars: number; last: number } = { noteChars: Infinity, last: Infinity },
): CardElement[] {
  if (events.length === 0) return [];
  const shown = events.slice(-cut.last);
  const lines = shown.map((event) =>
    `- ${t.orders.historyLine(
      localDateTime(event.at, timeZone),
      escapeMarkdown(event.actorName),
      t.orders.events[event.action] ?? escapeMarkdown(event.action),
      event.note && cut.noteChars > 0 ? escapeMarkdown(clip(event.note, cut.noteChars)) : "",
    )}`,
  );
  if (shown.length < events.length) lines.unshift(`- ${t.orders.historyEarlier(events.length - shown.length)}`);
  return [divider(), markdown(`${t.orders.historyHeading}\n${lines.join("\n")}`)];
}

/** Ever shorter trails until the card fits Feishu's 30 KB body (order text ≤ 1,000 characters, notes ≤ 2,000 each: a report's text and links). */
const HISTORY_CUTS = [
  { noteChars: Infinity, last: Infinity },
  { noteChars: 200, last: Infinity },
  { noteChars: 200, last: 20 },
  { noteChars: 60, last: 10 },
  { noteChars: 0, last: 5 },
];

/**
 * An order card: title, optional intro line, details and text, then (for the
 * school's supervisor and contacts) the action forms, then (optionally) the history.
 */
export function orderCard(
  t: Messages,
  order: OrderView,
  options: { today: string; timeZone: string; title?: string; intro?: string; template?: HeaderTemplate; actions?: boolean; history?: readonly OrderEventView[]; download?: boolean },
): Card {
  const elements: CardElement[] = [];
  if (options.intro) elements.push(markdown(options.intro));
  elements.push(...orderDetails(t, order, options.today, options.timeZone));
  // 下载公文 (issue 26): the order as a Word document, by direct message
  if (options.download) elements.push(button({ text: t.orders.document.button, value: { action: "document_download", number: order.number } }));
  if (options.actions) elements.push(...recipientActions(t, order));
  const overdue = daysOverdue(order, options.today) > 0;
  const build = (extra: CardElement[]) =>
    card({
      title: options.title ?? t.orders.cardTitle(t.orders.kinds[order.kind], order.number),
      template: options.template ?? (overdue ? "red" : order.status === "closed" ? "green" : order.status === "cancelled" ? "grey" : "blue"),
      elements: [...elements, ...extra],
    });
  if (!options.history) return build([]);
  let built = build([]);
  for (const cut of HISTORY_CUTS) {
    built = build(historyElements(t, options.history, options.timeZone, cut));
    if (cardFits(built, MAX_CARD_BYTES)) break;
  }
  return built;
}

const ISSUABLE: readonly OrderKind[] = ["order", "notice", "bulletin", "rectification"];

/** The issuing form (a command sent without arguments). */
export function issueFormCard(t: Messages, kind: OrderKind): Card {
  return card({
    title: t.orders.formTitle,
    elements: [
      markdown(t.orders.formIntro),
      form("issue_form", [
        select(
          "kind",
          t.orders.formKind,
          ISSUABLE.map((k) => ({ text: `${t.orders.kinds[k]}（${DEFAULT_ORDER_PREFIXES[k]}）`, value: k })),
          ISSUABLE.includes(kind) ? kind : "order",
        ),
        input({ name: "schools", label: t.orders.formSchools, placeholder: t.orders.formSchoolsPlaceholder, required: true, maxLength: 1000 }),
        datePicker("due", t.orders.formDue),
        input({ name: "text", label: t.orders.formText, placeholder: t.orders.formTextPlaceholder, required: true, multiline: true, maxLength: MAX_ORDER_TEXT }),
        button({ text: t.orders.formSubmit, type: "primary", name: "issue_submit", formAction: "submit", value: { action: "order_issue_submit" } }),
      ]),
    ],
  });
}

/** The answer to an issue: every number made, one per school. */
export function issuedCard(t: Messages, kind: OrderKind, due: string, results: readonly { number: string; schoolCode: string; schoolName: string; recipients: number }[], note?: string): Card {
  const lines = results.map((r) => `- ${t.orders.issuedLine(escapeMarkdown(r.number), escapeMarkdown(`${r.schoolName}（${r.schoolCode}）`), r.recipients)}`);
  return card({
    title: t.orders.issuedTitle(t.orders.kinds[kind]),
    template: "green",
    elements: [markdown(lines.join("\n")), markdown(t.orders.issuedFooter(due) + (note ? `\n${note}` : ""))],
  });
}

/** A manager's card to approve or deny an extension request. */
export function extensionDecisionCard(
  t: Messages,
  order: OrderView,
  /** `ordinal`: the request's place among the order's requests (1, 2, …), what the buttons name */
  request: { ordinal: number; requesterName: string; requestedDue: string; reason: string },
  options: { today: string; timeZone: string },
): Card {
  const base = orderCard(t, order, {
    ...options,
    title: t.orders.extensionTitle(order.number),
    template: "orange",
    intro: t.orders.extensionIntro(escapeMarkdown(request.requesterName), order.dueDate, request.requestedDue, escapeMarkdown(request.reason)),
  });
  base.body.elements.push({
    tag: "column_set",
    flex_mode: "flow",
    columns: [
      { tag: "column", width: "auto", elements: [button({ text: t.orders.approve, type: "primary", value: { action: "order_extension_decide", number: order.number, request: request.ordinal, decision: "approve" } })] },
      { tag: "column", width: "auto", elements: [button({ text: t.orders.deny, type: "danger", value: { action: "order_extension_decide", number: order.number, request: request.ordinal, decision: "deny" } })] },
    ],
  });
  return base;
}

/** A short card in place of a decided request or a finished form. */
export function noteCard(title: string, text: string, template: HeaderTemplate = "grey"): Card {
  return card({ title, template, elements: [markdown(text)] });
}
