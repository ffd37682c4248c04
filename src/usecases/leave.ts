/**
 * Leaves (`leave`): a supervisor registers their own; a manager anyone's within their reach. Refused (nothing stored):
 * an unknown person, one out of reach, a date that is not a date, a start in the past, end before start, 180 days or
 * more, a reason over 200 characters, an overlap with a registered leave of the same person.
 */
import { insertLeave, leaveClash } from "../db/leave.ts";
import { activePersonByCode, isManager, type Actor } from "../db/people.ts";
import { daysBetween, isoWeekOf, localDate, parseDate } from "../domain/time.ts";
import { mayActOnPerson } from "./policy.ts";
import type { Services } from "./services.ts";

export const MAX_LEAVE_DAYS = 180;
export const MAX_REASON_LENGTH = 200;

export interface LeaveRequest {
  /** a manager's: the person's code as typed (a supervisor's leave is their own) */
  personText: string | null;
  /** the words after the person: from, to, then the reason */
  words: readonly string[];
}

export type LeaveResult =
  | { ok: true; personName: string; from: string; to: string; plannedCount: number }
  | { ok: false; reason: "usage" | "reversed" | "too-long" }
  | { ok: false; reason: "unknown-person"; text: string }
  | { ok: false; reason: "out-of-scope"; personCode: string }
  | { ok: false; reason: "bad-date"; text: string }
  | { ok: false; reason: "past"; from: string }
  | { ok: false; reason: "reason-too-long"; max: number }
  | { ok: false; reason: "overlap"; fromDate: string; toDate: string };

/** Checks and stores a leave on `services.uow`; the answer names the visits already planned in its weeks. */
export async function registerLeave(services: Services, actor: Actor, request: LeaveRequest): Promise<LeaveResult> {
  let personCode = actor.code;
  let personName = actor.name;
  const tz = services.config.TIMEZONE;
  if (isManager(actor)) {
    if (!request.personText) return { ok: false, reason: "usage" };
    const person = await activePersonByCode(services.db, request.personText);
    if (!person) return { ok: false, reason: "unknown-person", text: request.personText };
    if (!(await mayActOnPerson(services, actor, person.code))) return { ok: false, reason: "out-of-scope", personCode: person.code };
    personCode = person.code;
    personName = person.name;
  }
  const words = request.words;
  if (words.length < 2) return { ok: false, reason: "usage" };
  const from = parseDate(words[0]!, services.nowMs, tz);
  if (!from) return { ok: false, reason: "bad-date", text: words[0]! };
  const to = parseDate(words[1]!, services.nowMs, tz);
  if (!to) return { ok: false, reason: "bad-date", text: words[1]! };
  const reason = words.slice(2).join(" ");
  const today = localDate(services.nowMs, tz);
  if (from < today) return { ok: false, reason: "past", from };
  if (to < from) return { ok: false, reason: "reversed" };
  if (daysBetween(from, to) >= MAX_LEAVE_DAYS) return { ok: false, reason: "too-long" };
  if ([...reason].length > MAX_REASON_LENGTH) return { ok: false, reason: "reason-too-long", max: MAX_REASON_LENGTH };
  const clash = await leaveClash(services.db, personCode, from, to, isoWeekOf(from), isoWeekOf(to));
  if (clash.overlap) return { ok: false, reason: "overlap", ...clash.overlap };
  services.uow.write(insertLeave(services.db, { personCode, fromDate: from, toDate: to, reason, createdBy: actor.code, createdAt: services.nowMs }));
  return { ok: true, personName, from, to, plannedCount: clash.planned };
}
