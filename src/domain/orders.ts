/**
 * Supervision orders (督导文书), pure rules: numbers, lifecycle transitions,
 * due dates, reminders, overdue and escalation maths. No I/O; "today" is an argument.
 */
import { addDays, daysBetween, type IsoDate } from "./time.ts";

export const ORDER_KINDS = ["notice", "bulletin", "order", "rectification", "rectification_item"] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
export const ORDER_STATUSES = ["issued", "acknowledged", "reported", "closed", "cancelled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** An order as people see it (cards, lists). */
export interface OrderView {
  number: string;
  kind: OrderKind;
  schoolCode: string;
  schoolName: string;
  text: string;
  dueDate: string;
  status: OrderStatus;
  issuedByName: string;
  issuedAt: number;
}

/** One entry of an order's audit trail, as shown. */
export interface OrderEventView {
  at: number;
  actorName: string;
  action: string;
  note: string | null;
}

/** Number prefixes per kind; the office overrides any of them with the setting `order_prefixes` (JSON object by kind). */
export const DEFAULT_ORDER_PREFIXES: Record<OrderKind, string> = {
  order: "督办",
  rectification: "整改",
  notice: "督导通知",
  bulletin: "督导通报",
  rectification_item: "整改项",
};

export const ORDER_PREFIXES_SETTING = "order_prefixes";
/** the longest order text and note, by command or card alike: a card input takes at most 1,000 (Feishu 输入框 max_length) */
export const MAX_ORDER_TEXT = 1_000;
export const MAX_NOTE_TEXT = 1_000;
/** the links field of a rectification report */
export const MAX_LINKS_TEXT = 1_000;
/** One issue (command or form) names at most this many schools: each becomes an order and a card to every recipient. */
export const MAX_SCHOOLS_PER_ISSUE = 100;
/** reminders go out this many days before the due date */
export const REMINDER_DAYS = 3;
/** more than this many days overdue: listed for escalation (约谈 / 通报) */
export const ESCALATION_DAYS = 14;
/** a due date further than this is refused as a typo */
export const MAX_DUE_DAYS = 366 * 2;

export const OPEN_STATUSES: readonly OrderStatus[] = ["issued", "acknowledged", "reported"];
export const isOpen = (status: OrderStatus) => OPEN_STATUSES.includes(status);

/** Merges the stored setting (any JSON) over the defaults; ignores anything that is not a short non-empty string. */
export function resolvePrefixes(setting: unknown): Record<OrderKind, string> {
  const result = { ...DEFAULT_ORDER_PREFIXES };
  if (setting && typeof setting === "object" && !Array.isArray(setting)) {
    for (const kind of Object.keys(result) as OrderKind[]) {
      const value = (setting as Record<string, unknown>)[kind];
      if (typeof value === "string" && value.trim() && value.trim().length <= 20) result[kind] = value.trim();
    }
  }
  return result;
}

/** `日照督办〔2026〕12号` */
export function formatOrderNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}〔${year}〕${seq}号`;
}

/** What a user typed for a number, in the stored form: any bracket style becomes 〔〕, spaces go. */
export function normalizeOrderNumber(input: string): string {
  return input
    .normalize("NFKC")
    .replace(/\s+/g, "")
    .replace(/[[(（【〔［]/g, "〔")
    .replace(/[\])）】〕］]/g, "〕");
}

/** Does this look like an order number rather than a school list? */
export function looksLikeOrderNumber(input: string): boolean {
  return /〔\d{4}〕\d+号?$/.test(normalizeOrderNumber(input));
}

// ---------------------------------------------------------------- lifecycle

export type OrderAction = "acknowledge" | "report" | "request_extension" | "close" | "reopen" | "extend" | "cancel" | "decide_extension";
/** How the person acting relates to the order: an office manager, the school's nameplate supervisor or contact, or anyone else. */
export type Relation = "manager" | "recipient" | "other";

export type Refusal = "forbidden" | "is_closed" | "is_cancelled" | "already_acknowledged" | "already_reported" | "not_reported";
export type Transition = { ok: true; to: OrderStatus } | { ok: false; reason: Refusal };

const RECIPIENT_ACTIONS: readonly OrderAction[] = ["acknowledge", "report", "request_extension"];
/** Kinds with nothing to rectify: a manager may close them without a rectification report. */
const CLOSABLE_WITHOUT_REPORT: readonly OrderKind[] = ["notice", "bulletin"];

/**
 * Which action is allowed from which status by whom.
 * - recipients (nameplate supervisor, school contacts): acknowledge (issued → acknowledged),
 *   report (issued | acknowledged → reported), request an extension (any open status);
 * - managers: close (reported → closed; notices and bulletins from any open status),
 *   reopen / send back (reported | closed → acknowledged), extend and cancel (any open status),
 *   decide an extension request (any open status).
 */
export function transition(action: OrderAction, status: OrderStatus, relation: Relation, kind: OrderKind): Transition {
  const recipientAction = RECIPIENT_ACTIONS.includes(action);
  if (recipientAction ? relation !== "recipient" : relation !== "manager") return { ok: false, reason: "forbidden" };
  if (status === "cancelled") return { ok: false, reason: "is_cancelled" };
  if (status === "closed" && action !== "reopen") return { ok: false, reason: "is_closed" };
  switch (action) {
    case "acknowledge":
      return status === "issued" ? { ok: true, to: "acknowledged" } : { ok: false, reason: status === "reported" ? "already_reported" : "already_acknowledged" };
    case "report":
      return status === "reported" ? { ok: false, reason: "already_reported" } : { ok: true, to: "reported" };
    case "close":
      if (status === "reported" || CLOSABLE_WITHOUT_REPORT.includes(kind)) return { ok: true, to: "closed" };
      return { ok: false, reason: "not_reported" };
    case "reopen":
      return status === "reported" || status === "closed" ? { ok: true, to: "acknowledged" } : { ok: false, reason: "not_reported" };
    case "cancel":
      return { ok: true, to: "cancelled" };
    case "request_extension":
    case "extend":
    case "decide_extension":
      return { ok: true, to: status };
  }
}

// ---------------------------------------------------------------- due dates

export type DueCheck = { ok: true; due: IsoDate } | { ok: false; reason: "invalid" | "past" | "too_far" };

/** A due date must be a date, not before today, and within two years. */
export function checkDueDate(due: IsoDate | null, today: IsoDate): DueCheck {
  if (!due) return { ok: false, reason: "invalid" };
  if (due < today) return { ok: false, reason: "past" };
  if (daysBetween(today, due) > MAX_DUE_DAYS) return { ok: false, reason: "too_far" };
  return { ok: true, due };
}

/** Date-picker values come as `2026-12-01 +0800`; typed ones go through the usual date parser. */
export function datePart(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(value.trim());
  return match ? match[1]! : value;
}

// ---------------------------------------------------------------- deadlines

export interface DeadlineView {
  status: OrderStatus;
  dueDate: IsoDate;
  remindedForDue?: string | null;
}

/** Days past the due date (0 when not overdue or no longer open). */
export function daysOverdue(order: DeadlineView, today: IsoDate): number {
  if (!isOpen(order.status) || order.dueDate >= today) return 0;
  return daysBetween(order.dueDate, today);
}

export const isOverdue = (order: DeadlineView, today: IsoDate) => daysOverdue(order, today) > 0;
export const isEscalation = (order: DeadlineView, today: IsoDate) => daysOverdue(order, today) > ESCALATION_DAYS;

/** Open, due within the next REMINDER_DAYS days (today included), and not yet reminded for this due date. */
export function needsReminder(order: DeadlineView, today: IsoDate): boolean {
  if (!isOpen(order.status)) return false;
  if (order.dueDate < today || order.dueDate > addDays(today, REMINDER_DAYS)) return false;
  return order.remindedForDue !== order.dueDate;
}

// ---------------------------------------------------------------- listing

export const ORDER_FILTERS = ["open", "overdue", "closed", "all"] as const;
export type OrderFilter = (typeof ORDER_FILTERS)[number];

const FILTER_WORDS: Record<string, OrderFilter> = {
  open: "open",
  未结: "open",
  未办结: "open",
  办理中: "open",
  进行中: "open",
  overdue: "overdue",
  late: "overdue",
  逾期: "overdue",
  超期: "overdue",
  closed: "closed",
  done: "closed",
  已销号: "closed",
  销号: "closed",
  已办结: "closed",
  办结: "closed",
  all: "all",
  全部: "all",
  所有: "all",
};

export function parseFilter(word: string): OrderFilter | null {
  return FILTER_WORDS[word.normalize("NFKC").trim().toLowerCase()] ?? null;
}

export interface OrderCounts {
  total: number;
  open: number;
  overdue: number;
  escalation: number;
  closed: number;
  cancelled: number;
}

/** Whose orders a list shows: everything the viewer may see, or one zone's, school's or supervisor's. */
export type ListScope = { kind: "all" } | { kind: "zone"; code: string; name: string } | { kind: "school"; code: string; name: string } | { kind: "supervisor"; code: string; name: string };

/** One line of an order list. */
export interface ListRow {
  number: string;
  kind: OrderKind;
  schoolCode: string;
  schoolName: string;
  dueDate: string;
  status: OrderStatus;
}

/** The counts over every order in scope, one page of those matching the filter, and how many match. */
export interface OrderList {
  counts: OrderCounts;
  rows: ListRow[];
  matching: number;
}

export function countOrders(rows: readonly DeadlineView[], today: IsoDate): OrderCounts {
  const counts: OrderCounts = { total: rows.length, open: 0, overdue: 0, escalation: 0, closed: 0, cancelled: 0 };
  for (const row of rows) {
    if (isOpen(row.status)) counts.open++;
    if (row.status === "closed") counts.closed++;
    if (row.status === "cancelled") counts.cancelled++;
    if (isOverdue(row, today)) counts.overdue++;
    if (isEscalation(row, today)) counts.escalation++;
  }
  return counts;
}

export function matchesFilter(row: DeadlineView, filter: OrderFilter, today: IsoDate): boolean {
  switch (filter) {
    case "open":
      return isOpen(row.status);
    case "overdue":
      return isOverdue(row, today);
    case "closed":
      return row.status === "closed";
    case "all":
      return true;
  }
}

export const PAGE_SIZE = 10;

export function pageCount(total: number, size = PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / size));
}

export function clampPage(page: unknown, total: number, size = PAGE_SIZE): number {
  const n = typeof page === "number" ? page : Number(page);
  if (!Number.isInteger(n) || n < 0) return 0;
  return Math.min(n, pageCount(total, size) - 1);
}

/**
 * Splits "<number> <rest…>" typed as chat arguments; tolerates a number broken by spaces
 * (`督办 〔2026〕 3号`). Null when the first tokens are not a number.
 */
export function splitNumber(argv: readonly string[]): { number: string; rest: string[] } | null {
  for (let k = Math.min(3, argv.length); k >= 1; k--) {
    const candidate = normalizeOrderNumber(argv.slice(0, k).join(""));
    if (looksLikeOrderNumber(candidate)) return { number: candidate.endsWith("号") ? candidate : `${candidate}号`, rest: argv.slice(k) };
  }
  return null;
}
