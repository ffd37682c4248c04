import { zoneInScopeSql } from "./offices.ts";
import { scopeParam, type OfficeScope } from "../domain/offices.ts";
import type { FeedbackInput } from "../domain/nameplate.ts";

/** What a school's public page shows: nothing else about the school, its people or its visits is read. */
export interface NameplatePage {
  schoolCode: string;
  schoolName: string;
  supervisorName: string | null;
  /** where the school's feedback goes (never on the page) */
  supervisorOpenId: string | null;
  supervisorLang: string | null;
  officeName: string | null;
  publicPhone: string | null;
  /** the office that owns the school's zone (null without offices); never on the page */
  officeCode: string | null;
}

/** The office of a school's zone (domain/offices.ts officeOfZone): the district's office, else the top one. */
const OFFICE_OF_ZONE = `COALESCE(
  (SELECT o1.code FROM offices o1 WHERE z.level = 'district' AND o1.district <> '' AND o1.district = z.district ORDER BY o1.code LIMIT 1),
  (SELECT o2.code FROM offices o2 WHERE o2.parent_code IS NULL OR o2.parent_code = '' ORDER BY o2.code LIMIT 1))`;

/** The page behind a valid (issued, not revoked) token of an active school; null otherwise. */
export async function nameplatePage(d1: D1Database, token: string): Promise<NameplatePage | null> {
  return d1
    .prepare(
      `SELECT s.code AS schoolCode, s.name AS schoolName, p.name AS supervisorName, p.open_id AS supervisorOpenId, p.lang AS supervisorLang,
         o.name AS officeName, o.public_phone AS publicPhone, o.code AS officeCode
       FROM nameplate_tokens t JOIN schools s ON s.code = t.school_code AND s.active = 1
       LEFT JOIN zones z ON z.code = s.zone_code
       LEFT JOIN people p ON p.code = s.supervisor_code AND p.active = 1
       LEFT JOIN offices o ON o.code = ${OFFICE_OF_ZONE}
       WHERE t.token = ?1 AND t.revoked_at IS NULL`,
    )
    .bind(token)
    .first<NameplatePage>();
}

/** Reported visits to the school since `from` (the published count). */
export async function visitsSince(d1: D1Database, schoolCode: string, from: string): Promise<number> {
  const row = await d1.prepare("SELECT COUNT(*) AS n FROM reports WHERE school_code = ?1 AND visit_date >= ?2").bind(schoolCode, from).first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Counts one post from `ipKey` in its window and returns the count so far (this one included). The counter
 * lives in `rate_counters` (its expired rows are swept by the delivery limiter's housekeeping).
 */
export async function countIpPost(d1: D1Database, ipKey: string, windowEndsAt: number): Promise<number> {
  const row = await d1
    .prepare(
      `INSERT INTO rate_counters (key, count, expires_at) VALUES (?1, 1, ?2)
       ON CONFLICT(key) DO UPDATE SET count = rate_counters.count + 1 RETURNING count`,
    )
    .bind(ipKey, windowEndsAt)
    .first<{ count: number }>();
  return row?.count ?? 1;
}

export function insertFeedback(d1: D1Database, reference: string, schoolCode: string, input: FeedbackInput, nowMs: number): D1PreparedStatement {
  return d1
    .prepare("INSERT INTO feedback (reference, school_code, kind, text, sender_name, sender_phone, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
    .bind(reference, schoolCode, input.kind, input.text, input.name, input.phone, nowMs);
}

/** The school's valid token, if any. */
export async function currentToken(d1: D1Database, schoolCode: string): Promise<string | null> {
  const row = await d1
    .prepare("SELECT token FROM nameplate_tokens WHERE school_code = ?1 AND revoked_at IS NULL ORDER BY issued_at DESC LIMIT 1")
    .bind(schoolCode)
    .first<{ token: string }>();
  return row?.token ?? null;
}

export function revokeTokens(d1: D1Database, schoolCode: string, nowMs: number): D1PreparedStatement {
  return d1.prepare("UPDATE nameplate_tokens SET revoked_at = ?2 WHERE school_code = ?1 AND revoked_at IS NULL").bind(schoolCode, nowMs);
}

export function insertToken(d1: D1Database, token: string, schoolCode: string, issuedBy: string, nowMs: number): D1PreparedStatement {
  return d1.prepare("INSERT INTO nameplate_tokens (token, school_code, issued_by, issued_at) VALUES (?1, ?2, ?3, ?4)").bind(token, schoolCode, issuedBy, nowMs);
}

/** Valid tokens of the active schools in `scope`, by school code. */
export async function tokensInScope(d1: D1Database, scope: OfficeScope): Promise<{ schoolCode: string; schoolName: string; token: string }[]> {
  const { results } = await d1
    .prepare(
      `SELECT s.code AS schoolCode, s.name AS schoolName, t.token FROM nameplate_tokens t JOIN schools s ON s.code = t.school_code AND s.active = 1
       WHERE t.revoked_at IS NULL AND ${zoneInScopeSql("s.zone_code", 1)} ORDER BY s.code`,
    )
    .bind(scopeParam(scope))
    .all<{ schoolCode: string; schoolName: string; token: string }>();
  return results;
}

/** Active schools with what school matching and the access rule need (domain/school-access.ts). */
export async function schoolsForNameplates(d1: D1Database): Promise<{ code: string; name: string; supervisorCode: string | null; zoneCode: string; zoneLevel: "city" | "district"; zoneDistrict: string }[]> {
  const { results } = await d1
    .prepare(
      `SELECT s.code, s.name, s.supervisor_code AS supervisorCode, s.zone_code AS zoneCode,
         COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict
       FROM schools s LEFT JOIN zones z ON z.code = s.zone_code WHERE s.active = 1 ORDER BY s.code`,
    )
    .all<{ code: string; name: string; supervisorCode: string | null; zoneCode: string; zoneLevel: "city" | "district"; zoneDistrict: string }>();
  return results;
}

/** The settings key of an office's switch (`''`: the implicit office of a deployment without offices). */
export const pagesOffKey = (officeCode: string | null) => `nameplate_pages_off:${officeCode ?? ""}`;

/** Is any of these offices' switch set to off (an office's switch covers the offices below it)? */
export async function pagesOff(d1: D1Database, officeCodes: readonly (string | null)[]): Promise<boolean> {
  const row = await d1
    .prepare("SELECT 1 AS off FROM settings WHERE key IN (SELECT value FROM json_each(?1)) LIMIT 1")
    .bind(JSON.stringify(officeCodes.map(pagesOffKey)))
    .first<{ off: number }>();
  return !!row;
}

export function setPagesOff(d1: D1Database, officeCode: string | null, off: boolean, nowMs: number): D1PreparedStatement {
  return off
    ? d1.prepare("INSERT INTO settings (key, value, updated_at) VALUES (?1, 'true', ?2) ON CONFLICT(key) DO UPDATE SET value = 'true', updated_at = ?2").bind(pagesOffKey(officeCode), nowMs)
    : d1.prepare("DELETE FROM settings WHERE key = ?1").bind(pagesOffKey(officeCode));
}

/** A feedback as its card and its card actions need it, with what the access rule needs of its school. */
export interface FeedbackRecord {
  reference: string;
  schoolCode: string;
  schoolName: string;
  supervisorCode: string | null;
  zoneCode: string;
  zoneLevel: "city" | "district";
  zoneDistrict: string;
  kind: "suggestion" | "problem" | "praise";
  text: string;
  senderName: string | null;
  senderPhone: string | null;
  receivedAt: number;
  status: "new" | "accepted" | "replied";
  reply: string | null;
  handledByName: string | null;
}

export async function feedbackByReference(d1: D1Database, reference: string): Promise<FeedbackRecord | null> {
  return d1
    .prepare(
      `SELECT f.reference, f.school_code AS schoolCode, s.name AS schoolName, s.supervisor_code AS supervisorCode, s.zone_code AS zoneCode,
         COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict, f.kind, f.text, f.sender_name AS senderName,
         f.sender_phone AS senderPhone, f.received_at AS receivedAt, f.status, f.reply, p.name AS handledByName
       FROM feedback f JOIN schools s ON s.code = f.school_code LEFT JOIN zones z ON z.code = s.zone_code LEFT JOIN people p ON p.code = f.handled_by
       WHERE f.reference = ?1`,
    )
    .bind(reference)
    .first<FeedbackRecord>();
}

export function acceptFeedback(d1: D1Database, reference: string, actorCode: string, nowMs: number): D1PreparedStatement {
  return d1.prepare("UPDATE feedback SET status = 'accepted', handled_by = ?2, handled_at = ?3 WHERE reference = ?1 AND status = 'new'").bind(reference, actorCode, nowMs);
}

export function replyFeedback(d1: D1Database, reference: string, reply: string, actorCode: string, nowMs: number): D1PreparedStatement {
  return d1.prepare("UPDATE feedback SET status = 'replied', reply = ?2, handled_by = ?3, handled_at = ?4 WHERE reference = ?1").bind(reference, reply, actorCode, nowMs);
}

/** What the public page shows for a reference number: only a feedback of this school, only its status and reply. */
export async function publicAnswer(d1: D1Database, schoolCode: string, reference: string): Promise<{ status: "new" | "accepted" | "replied"; reply: string | null } | null> {
  return d1.prepare("SELECT status, reply FROM feedback WHERE reference = ?1 AND school_code = ?2").bind(reference, schoolCode).first();
}

/** Holidays and make-up working days, for counting working days (domain/nameplate.ts workingDaysAfter). */
export async function holidayPeriods(d1: D1Database): Promise<{ kind: string; startDate: string; endDate: string }[]> {
  const { results } = await d1
    .prepare("SELECT kind, start_date AS startDate, end_date AS endDate FROM calendar_periods WHERE kind IN ('holiday', 'workday')")
    .all<{ kind: string; startDate: string; endDate: string }>();
  return results;
}

export type UnansweredFeedback = FeedbackRecord & { supervisorOpenId: string | null; supervisorLang: string | null; remindedAt: number | null; escalatedAt: number | null };

/** Feedback not yet replied to and not yet both reminded and escalated, received since `sinceMs`. */
export async function unansweredFeedback(d1: D1Database, sinceMs: number): Promise<UnansweredFeedback[]> {
  const { results } = await d1
    .prepare(
      `SELECT f.reference, f.school_code AS schoolCode, s.name AS schoolName, s.supervisor_code AS supervisorCode, s.zone_code AS zoneCode,
         COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict, f.kind, f.text, f.sender_name AS senderName,
         f.sender_phone AS senderPhone, f.received_at AS receivedAt, f.status, f.reply, h.name AS handledByName,
         sp.open_id AS supervisorOpenId, sp.lang AS supervisorLang, f.reminded_at AS remindedAt, f.escalated_at AS escalatedAt
       FROM feedback f JOIN schools s ON s.code = f.school_code LEFT JOIN zones z ON z.code = s.zone_code
       LEFT JOIN people h ON h.code = f.handled_by LEFT JOIN people sp ON sp.code = s.supervisor_code AND sp.active = 1
       WHERE f.status <> 'replied' AND (f.reminded_at IS NULL OR f.escalated_at IS NULL) AND f.received_at >= ?1
       ORDER BY f.received_at LIMIT 500`,
    )
    .bind(sinceMs)
    .all<UnansweredFeedback>();
  return results;
}

export function markFeedback(d1: D1Database, references: readonly string[], column: "reminded_at" | "escalated_at", nowMs: number): D1PreparedStatement {
  return d1.prepare(`UPDATE feedback SET ${column} = ?2 WHERE reference IN (SELECT value FROM json_each(?1)) AND ${column} IS NULL`).bind(JSON.stringify(references), nowMs);
}

/** A school's public feedback since `sinceMs`: received, replied to, and checked with a visit (补报 from its card). */
export async function feedbackCounts(d1: D1Database, schoolCode: string, sinceMs: number): Promise<{ received: number; replied: number; visited: number }> {
  const row = await d1
    .prepare(
      `SELECT COUNT(*) AS received, COALESCE(SUM(CASE WHEN f.status = 'replied' THEN 1 ELSE 0 END), 0) AS replied,
         COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM reports r WHERE r.submission_key = 'extra:feedback:' || f.reference) THEN 1 ELSE 0 END), 0) AS visited
       FROM feedback f WHERE f.school_code = ?1 AND f.received_at >= ?2`,
    )
    .bind(schoolCode, sinceMs)
    .first<{ received: number; replied: number; visited: number }>();
  return row ?? { received: 0, replied: 0, visited: 0 };
}

/**
 * Public feedback received between two local dates (inclusive), in the zones given (null: every zone): received,
 * replied to, checked with a visit. `offset` turns instants into office-local dates ('480 minutes').
 */
export async function feedbackTotals(d1: D1Database, zoneCodes: readonly string[] | null, from: string, to: string, offset: string): Promise<{ received: number; replied: number; visited: number }> {
  const row = await d1
    .prepare(
      `SELECT COUNT(*) AS received, COALESCE(SUM(CASE WHEN f.status = 'replied' THEN 1 ELSE 0 END), 0) AS replied,
         COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM reports r WHERE r.submission_key = 'extra:feedback:' || f.reference) THEN 1 ELSE 0 END), 0) AS visited
       FROM feedback f JOIN schools s ON s.code = f.school_code
       WHERE date(f.received_at / 1000, 'unixepoch', ?4) BETWEEN ?2 AND ?3 AND (?1 IS NULL OR s.zone_code IN (SELECT value FROM json_each(?1)))`,
    )
    .bind(zoneCodes ? JSON.stringify(zoneCodes) : null, from, to, offset)
    .first<{ received: number; replied: number; visited: number }>();
  return row ?? { received: 0, replied: 0, visited: 0 };
}

/** One printable nameplate's data (`名牌 导出`): what the public page shows, and the school's valid token if any. */
export interface NameplatePrintRow {
  schoolCode: string;
  schoolName: string;
  supervisorName: string | null;
  officeName: string | null;
  publicPhone: string | null;
  token: string | null;
}

/** The active schools in the scope, with what their nameplate prints (at most `limit`). */
export async function nameplatesInScope(d1: D1Database, scope: OfficeScope, limit: number): Promise<NameplatePrintRow[]> {
  const { results } = await d1
    .prepare(
      `SELECT s.code AS schoolCode, s.name AS schoolName, p.name AS supervisorName, o.name AS officeName, o.public_phone AS publicPhone,
         (SELECT t.token FROM nameplate_tokens t WHERE t.school_code = s.code AND t.revoked_at IS NULL ORDER BY t.issued_at DESC LIMIT 1) AS token
       FROM schools s LEFT JOIN zones z ON z.code = s.zone_code
       LEFT JOIN people p ON p.code = s.supervisor_code AND p.active = 1
       LEFT JOIN offices o ON o.code = ${OFFICE_OF_ZONE}
       WHERE s.active = 1 AND ${zoneInScopeSql("s.zone_code", 1)} ORDER BY s.code LIMIT ?2`,
    )
    .bind(scopeParam(scope), limit)
    .all<NameplatePrintRow>();
  return results;
}
