/** The public's feedback from the nameplate page: read for its card, handled, reminded and escalated, counted. */
import { and, asc, between, count, eq, exists, gte, inArray, isNull, ne, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { openDb, type Db } from "./client.ts";
import { inJson, zoneDistrictOrNone, zoneLevelOrCity } from "./fragments.ts";
import { calendarPeriods, feedback, people, reports, schools, zones } from "./schema.ts";

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

const handler = alias(people, "h");

/** A feedback's columns, its school's and zone's (joined `schools`, `zones`), and its handler's name (joined `h`). */
const feedbackColumns = {
  reference: feedback.reference,
  schoolCode: feedback.schoolCode,
  schoolName: schools.name,
  supervisorCode: schools.supervisorCode,
  zoneCode: schools.zoneCode,
  zoneLevel: zoneLevelOrCity,
  zoneDistrict: zoneDistrictOrNone,
  kind: feedback.kind,
  text: feedback.text,
  senderName: feedback.senderName,
  senderPhone: feedback.senderPhone,
  receivedAt: feedback.receivedAt,
  status: feedback.status,
  reply: feedback.reply,
  handledByName: handler.name,
};

export async function feedbackByReference(d1: D1Database, reference: string): Promise<FeedbackRecord | null> {
  const row = await openDb(d1)
    .select(feedbackColumns)
    .from(feedback)
    .innerJoin(schools, eq(schools.code, feedback.schoolCode))
    .leftJoin(zones, eq(zones.code, schools.zoneCode))
    .leftJoin(handler, eq(handler.code, feedback.handledBy))
    .where(eq(feedback.reference, reference))
    .get();
  return row ?? null;
}

export function acceptFeedback(d1: D1Database, reference: string, actorCode: string, nowMs: number) {
  return openDb(d1)
    .update(feedback)
    .set({ status: "accepted", handledBy: actorCode, handledAt: nowMs })
    .where(and(eq(feedback.reference, reference), eq(feedback.status, "new")));
}

export function replyFeedback(d1: D1Database, reference: string, reply: string, actorCode: string, nowMs: number) {
  return openDb(d1).update(feedback).set({ status: "replied", reply, handledBy: actorCode, handledAt: nowMs }).where(eq(feedback.reference, reference));
}

/** What the public page shows for a reference number: only a feedback of this school, only its status and reply. */
export async function publicAnswer(d1: D1Database, schoolCode: string, reference: string): Promise<{ status: "new" | "accepted" | "replied"; reply: string | null } | null> {
  const row = await openDb(d1)
    .select({ status: feedback.status, reply: feedback.reply })
    .from(feedback)
    .where(and(eq(feedback.reference, reference), eq(feedback.schoolCode, schoolCode)))
    .get();
  return row ?? null;
}

/** Holidays and make-up working days, for counting working days (domain/nameplate.ts workingDaysAfter). */
export async function holidayPeriods(d1: D1Database): Promise<{ kind: string; startDate: string; endDate: string }[]> {
  return openDb(d1)
    .select({ kind: calendarPeriods.kind, startDate: calendarPeriods.startDate, endDate: calendarPeriods.endDate })
    .from(calendarPeriods)
    .where(inArray(calendarPeriods.kind, ["holiday", "workday"]));
}

export type UnansweredFeedback = FeedbackRecord & { supervisorOpenId: string | null; supervisorLang: string | null; remindedAt: number | null; escalatedAt: number | null };

/** Feedback not yet replied to and not yet both reminded and escalated, received since `sinceMs`. */
export async function unansweredFeedback(d1: D1Database, sinceMs: number): Promise<UnansweredFeedback[]> {
  const supervisor = alias(people, "sp");
  return openDb(d1)
    .select({
      ...feedbackColumns,
      supervisorOpenId: supervisor.openId,
      supervisorLang: supervisor.lang,
      remindedAt: feedback.remindedAt,
      escalatedAt: feedback.escalatedAt,
    })
    .from(feedback)
    .innerJoin(schools, eq(schools.code, feedback.schoolCode))
    .leftJoin(zones, eq(zones.code, schools.zoneCode))
    .leftJoin(handler, eq(handler.code, feedback.handledBy))
    .leftJoin(supervisor, and(eq(supervisor.code, schools.supervisorCode), eq(supervisor.active, true)))
    .where(and(ne(feedback.status, "replied"), or(isNull(feedback.remindedAt), isNull(feedback.escalatedAt)), gte(feedback.receivedAt, sinceMs)))
    .orderBy(asc(feedback.receivedAt))
    .limit(500);
}

export function markFeedback(d1: D1Database, references: readonly string[], column: "reminded_at" | "escalated_at", nowMs: number) {
  const field = column === "reminded_at" ? "remindedAt" : "escalatedAt";
  return openDb(d1)
    .update(feedback)
    .set({ [field]: nowMs })
    .where(and(inJson(feedback.reference, references), isNull(feedback[field])));
}

/** received, replied to, checked with a visit (a 补报 from the feedback's card): the counts over the `feedback` rows selected */
const feedbackTally = (db: Db) => ({
  received: count(),
  replied: sql<number>`COALESCE(SUM(CASE WHEN ${feedback.status} = 'replied' THEN 1 ELSE 0 END), 0)`,
  visited: sql<number>`COALESCE(SUM(CASE WHEN ${exists(
    db
      .select({ one: sql`1` })
      .from(reports)
      .where(eq(reports.submissionKey, sql`'extra:feedback:' || ${feedback.reference}`)),
  )} THEN 1 ELSE 0 END), 0)`,
});

/** A school's public feedback since `sinceMs`: received, replied to, and checked with a visit (补报 from its card). */
export async function feedbackCounts(d1: D1Database, schoolCode: string, sinceMs: number): Promise<{ received: number; replied: number; visited: number }> {
  const db = openDb(d1);
  const row = await db
    .select(feedbackTally(db))
    .from(feedback)
    .where(and(eq(feedback.schoolCode, schoolCode), gte(feedback.receivedAt, sinceMs)))
    .get();
  return row ?? { received: 0, replied: 0, visited: 0 };
}

/**
 * Public feedback received between two local dates (inclusive), in the zones given (null: every zone): received,
 * replied to, checked with a visit. `offset` turns instants into office-local dates ('480 minutes').
 */
export async function feedbackTotals(d1: D1Database, zoneCodes: readonly string[] | null, from: string, to: string, offset: string): Promise<{ received: number; replied: number; visited: number }> {
  const db = openDb(d1);
  const row = await db
    .select(feedbackTally(db))
    .from(feedback)
    .innerJoin(schools, eq(schools.code, feedback.schoolCode))
    .where(
      and(
        // the instant's local date (integer division: whole seconds)
        between(sql`date(${feedback.receivedAt} / 1000, 'unixepoch', ${offset})`, from, to),
        zoneCodes ? inJson(schools.zoneCode, zoneCodes) : undefined,
      ),
    )
    .get();
  return row ?? { received: 0, replied: 0, visited: 0 };
}
