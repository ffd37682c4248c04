/**
 * The public nameplate page (挂牌督导公示): its school's page by token, the tokens, the pages' switch, the public's
 * feedback as it is posted, and the printable nameplates (the feedback's handling and figures: feedback.ts).
 */
import { and, asc, count, desc, eq, gte, isNull, ne, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { OfficeScope } from "../domain/offices.ts";
import type { FeedbackInput } from "../domain/nameplate.ts";
import { openDb, type Db } from "./client.ts";
import { inJson } from "./fragments.ts";
import { zoneInScopeWhere } from "./offices.ts";
import { feedback, nameplateTokens, offices, people, rateCounters, reports, schools, settings, zones } from "./schema.ts";

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

const districtOffice = alias(offices, "o1");
const topOffice = alias(offices, "o2");

/** The office of the joined `zones` row (domain/offices.ts officeOfZone): the district's office, else the top one. */
const officeOfZone = (db: Db) => {
  const ofDistrict = db
    .select({ code: districtOffice.code })
    .from(districtOffice)
    .where(and(eq(zones.level, "district"), ne(districtOffice.district, ""), eq(districtOffice.district, zones.district)))
    .orderBy(asc(districtOffice.code))
    .limit(1);
  const top = db
    .select({ code: topOffice.code })
    .from(topOffice)
    .where(or(isNull(topOffice.parentCode), eq(topOffice.parentCode, "")))
    .orderBy(asc(topOffice.code))
    .limit(1);
  return sql`COALESCE(${ofDistrict}, ${top})`;
};

/** The page behind a valid (issued, not revoked) token of an active school; null otherwise. */
export async function nameplatePage(d1: D1Database, token: string): Promise<NameplatePage | null> {
  const db = openDb(d1);
  const row = await db
    .select({
      schoolCode: schools.code,
      schoolName: schools.name,
      supervisorName: people.name,
      supervisorOpenId: people.openId,
      supervisorLang: people.lang,
      officeName: offices.name,
      publicPhone: offices.publicPhone,
      officeCode: offices.code,
    })
    .from(nameplateTokens)
    .innerJoin(schools, and(eq(schools.code, nameplateTokens.schoolCode), eq(schools.active, true)))
    .leftJoin(zones, eq(zones.code, schools.zoneCode))
    .leftJoin(people, and(eq(people.code, schools.supervisorCode), eq(people.active, true)))
    .leftJoin(offices, eq(offices.code, officeOfZone(db)))
    .where(and(eq(nameplateTokens.token, token), isNull(nameplateTokens.revokedAt)))
    .get();
  return row ?? null;
}

/** Reported visits to the school since `from` (the published count). */
export async function visitsSince(d1: D1Database, schoolCode: string, from: string): Promise<number> {
  const row = await openDb(d1)
    .select({ n: count() })
    .from(reports)
    .where(and(eq(reports.schoolCode, schoolCode), gte(reports.visitDate, from)))
    .get();
  return row?.n ?? 0;
}

/**
 * Counts one post from `ipKey` in its window and returns the count so far (this one included). The counter
 * lives in `rate_counters` (its expired rows are swept by the delivery limiter's housekeeping).
 */
export async function countIpPost(d1: D1Database, ipKey: string, windowEndsAt: number): Promise<number> {
  const row = await openDb(d1)
    .insert(rateCounters)
    .values({ key: ipKey, count: 1, expiresAt: windowEndsAt })
    .onConflictDoUpdate({ target: rateCounters.key, set: { count: sql`${rateCounters.count} + 1` } })
    .returning({ count: rateCounters.count })
    .get();
  return row?.count ?? 1;
}

export function insertFeedback(d1: D1Database, reference: string, schoolCode: string, input: FeedbackInput, nowMs: number) {
  return openDb(d1)
    .insert(feedback)
    .values({ reference, schoolCode, kind: input.kind, text: input.text, senderName: input.name, senderPhone: input.phone, receivedAt: nowMs });
}

/** The school's valid token, if any. */
export async function currentToken(d1: D1Database, schoolCode: string): Promise<string | null> {
  const row = await openDb(d1)
    .select({ token: nameplateTokens.token })
    .from(nameplateTokens)
    .where(and(eq(nameplateTokens.schoolCode, schoolCode), isNull(nameplateTokens.revokedAt)))
    .orderBy(desc(nameplateTokens.issuedAt))
    .limit(1)
    .get();
  return row?.token ?? null;
}

export function revokeTokens(d1: D1Database, schoolCode: string, nowMs: number) {
  return openDb(d1)
    .update(nameplateTokens)
    .set({ revokedAt: nowMs })
    .where(and(eq(nameplateTokens.schoolCode, schoolCode), isNull(nameplateTokens.revokedAt)));
}

export function insertToken(d1: D1Database, token: string, schoolCode: string, issuedBy: string, nowMs: number) {
  return openDb(d1).insert(nameplateTokens).values({ token, schoolCode, issuedBy, issuedAt: nowMs });
}

/** Valid tokens of the active schools in `scope`, by school code. */
export async function tokensInScope(d1: D1Database, scope: OfficeScope): Promise<{ schoolCode: string; schoolName: string; token: string }[]> {
  const db = openDb(d1);
  return db
    .select({ schoolCode: schools.code, schoolName: schools.name, token: nameplateTokens.token })
    .from(nameplateTokens)
    .innerJoin(schools, and(eq(schools.code, nameplateTokens.schoolCode), eq(schools.active, true)))
    .where(and(isNull(nameplateTokens.revokedAt), zoneInScopeWhere(schools.zoneCode, scope)))
    .orderBy(asc(schools.code));
}

/** The settings key of an office's switch (`''`: the implicit office of a deployment without offices). */
export const pagesOffKey = (officeCode: string | null) => `nameplate_pages_off:${officeCode ?? ""}`;

/** Is any of these offices' switch set to off (an office's switch covers the offices below it)? */
export async function pagesOff(d1: D1Database, officeCodes: readonly (string | null)[]): Promise<boolean> {
  const row = await openDb(d1)
    .select({ off: sql<number>`1` })
    .from(settings)
    .where(inJson(settings.key, officeCodes.map(pagesOffKey)))
    .limit(1)
    .get();
  return !!row;
}

export function setPagesOff(d1: D1Database, officeCode: string | null, off: boolean, nowMs: number) {
  const db = openDb(d1);
  const key = pagesOffKey(officeCode);
  return off
    ? db.insert(settings).values({ key, value: "true", updatedAt: nowMs }).onConflictDoUpdate({ target: settings.key, set: { value: "true", updatedAt: nowMs } })
    : db.delete(settings).where(eq(settings.key, key));
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
  const db = openDb(d1);
  const validToken = db
    .select({ token: nameplateTokens.token })
    .from(nameplateTokens)
    .where(and(eq(nameplateTokens.schoolCode, schools.code), isNull(nameplateTokens.revokedAt)))
    .orderBy(desc(nameplateTokens.issuedAt))
    .limit(1);
  return db
    .select({
      schoolCode: schools.code,
      schoolName: schools.name,
      supervisorName: people.name,
      officeName: offices.name,
      publicPhone: offices.publicPhone,
      token: sql<string | null>`${validToken}`,
    })
    .from(schools)
    .leftJoin(zones, eq(zones.code, schools.zoneCode))
    .leftJoin(people, and(eq(people.code, schools.supervisorCode), eq(people.active, true)))
    .leftJoin(offices, eq(offices.code, officeOfZone(db)))
    .where(and(eq(schools.active, true), zoneInScopeWhere(schools.zoneCode, scope)))
    .orderBy(asc(schools.code))
    .limit(limit);
}
