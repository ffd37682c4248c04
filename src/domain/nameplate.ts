import { addDays, weekday, type IsoDate } from "./time.ts";

/**
 * The public nameplate page (挂牌督导公示) and its feedback form: the rules on what the public may send.
 * Pure: no I/O; the caller brings the time and the randomness.
 */

export const FEEDBACK_KINDS = ["suggestion", "problem", "praise"] as const;
export const FEEDBACK_STATUSES = ["new", "accepted", "replied"] as const;
export const FEEDBACK_MAX_REPLY = 200;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

export const FEEDBACK_MAX_TEXT = 500;
export const FEEDBACK_MAX_NAME = 20;
/** A form of three short fields and a 500-character text is far below this; anything bigger is refused unread. */
export const FEEDBACK_MAX_BODY_BYTES = 8 * 1024;
/** Posts one IP address may make (accepted or not) per window. */
export const FEEDBACK_PER_IP = 5;
export const FEEDBACK_IP_WINDOW_MS = 10 * 60_000;

export interface FeedbackInput {
  kind: FeedbackKind;
  text: string;
  name: string | null;
  phone: string | null;
}

export type FeedbackProblem = "badKind" | "emptyText" | "textTooLong" | "badName" | "badPhone";

const PHONE = /^\+?[0-9][0-9 -]{5,19}$/;
const chars = (text: string) => [...text].length;

/** Validates the posted fields; `text` is trimmed, control characters (other than line breaks) removed. */
export function parseFeedback(fields: Record<string, string | undefined>): { ok: true; value: FeedbackInput } | { ok: false; problem: FeedbackProblem } {
  const kind = fields.kind ?? "";
  if (!(FEEDBACK_KINDS as readonly string[]).includes(kind)) return { ok: false, problem: "badKind" };
  // eslint-disable-next-line no-control-regex
  const clean = (value: string | undefined) => (value ?? "").replace(/\r\n?/g, "\n").replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, "").trim();
  const text = clean(fields.text);
  if (!text) return { ok: false, problem: "emptyText" };
  if (chars(text) > FEEDBACK_MAX_TEXT) return { ok: false, problem: "textTooLong" };
  const name = clean(fields.name).replace(/\n/g, " ");
  if (chars(name) > FEEDBACK_MAX_NAME) return { ok: false, problem: "badName" };
  const phone = clean(fields.phone);
  if (phone && !PHONE.test(phone)) return { ok: false, problem: "badPhone" };
  return { ok: true, value: { kind: kind as FeedbackKind, text, name: name || null, phone: phone || null } };
}

const REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** A reference number such as `20261205-7KQ3M9`: the local date and six characters from `random` (bytes). */
export function feedbackReference(localDate: string, random: Uint8Array): string {
  const tail = [...random.slice(0, 6)].map((byte) => REFERENCE_ALPHABET[byte % REFERENCE_ALPHABET.length]).join("");
  return `${localDate.replaceAll("-", "")}-${tail}`;
}

/** A page token: 18 random bytes, base64url (24 characters). */
export function nameplateToken(random: Uint8Array): string {
  let binary = "";
  for (const byte of random.slice(0, 18)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export const REFERENCE_PATTERN = /^\d{8}-[2-9A-HJKMNP-Z]{6}$/;

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{24}$/;

/** The window an IP's post counts in (its start, epoch ms). */
export function ipWindowStart(nowMs: number): number {
  return nowMs - (nowMs % FEEDBACK_IP_WINDOW_MS);
}

/** Text safe inside HTML elements and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Unanswered feedback: the supervisor is reminded after this many working days, the office's managers get it after ESCALATE. */
export const FEEDBACK_REMIND_WORKING_DAYS = 2;
export const FEEDBACK_ESCALATE_WORKING_DAYS = 5;

/**
 * Working days after `from` up to and including `to`: Monday to Friday unless a holiday period covers the day,
 * and any day a make-up working day (调休) covers. Counts at most `cap` (the callers only ask "at least 5?").
 */
export function workingDaysAfter(from: IsoDate, to: IsoDate, periods: readonly { kind: string; startDate: string; endDate: string }[], cap = 31): number {
  const covered = (date: IsoDate, kind: string) => periods.some((p) => p.kind === kind && p.startDate <= date && date <= p.endDate);
  let count = 0;
  for (let date = addDays(from, 1); date <= to && count < cap; date = addDays(date, 1)) {
    if (covered(date, "workday") || (weekday(date) <= 5 && !covered(date, "holiday"))) count++;
  }
  return count;
}
