/**
 * What the delivery alerts read (usecases/delivery-alerts.ts): messages that died, with the office they
 * belong to and the recipient's name from the roster (never a mobile or an email), the admins to tell,
 * and when each office was last told.
 */
import { and, eq, gt, isNotNull, isNull, like, lte, notLike, or, sql } from "drizzle-orm";
import { openDb } from "../db/client.ts";
import { outbox, people, schools, zones } from "../db/schema.ts";

/** Every alert's outbox key starts so; the office code (URI-encoded) follows. */
export const ALERT_KEY_PREFIX = "delivery-alert:";

export interface DeadMessage {
  id: number;
  receiveId: string | null;
  lastError: string | null;
  /** when it died */
  updatedAt: number;
  /** the recipient's name in the roster, when the message went to a person in it */
  personName: string | null;
  /** the office whose people or group it went to ('' = the top office, or unknown) */
  office: string;
}

/**
 * Messages that died after `sinceMs` and up to `nowMs` (not alerts themselves), newest last. A recipient's
 * office: a manager's or admin's own, a supervisor's or school contact's by the zone (a district zone →
 * that district's office), an office's group chat → that office; anything else the top office ('').
 */
export async function deadMessagesSince(d1: D1Database, sinceMs: number, nowMs: number, limit = 2_000): Promise<DeadMessage[]> {
  return openDb(d1)
    .select({
      id: outbox.id,
      receiveId: outbox.receiveId,
      lastError: outbox.lastError,
      updatedAt: outbox.updatedAt,
      personName: people.name,
      office: sql<string>`COALESCE(NULLIF(${people.officeCode}, ''),
        (SELECT f.code FROM offices f WHERE ${zones.level} = 'district' AND f.district <> '' AND f.district = ${zones.district} ORDER BY f.code LIMIT 1),
        (SELECT f.code FROM offices f WHERE f.digest_chat_id = ${outbox.receiveId} ORDER BY f.code LIMIT 1),
        '')`,
    })
    .from(outbox)
    .leftJoin(people, and(eq(outbox.receiveIdType, "open_id"), eq(people.openId, outbox.receiveId)))
    .leftJoin(schools, eq(schools.code, people.schoolCode))
    .leftJoin(zones, eq(zones.code, sql`COALESCE(${people.zoneCode}, ${schools.zoneCode})`))
    .where(
      and(
        eq(outbox.state, "dead"),
        gt(outbox.updatedAt, sinceMs),
        lte(outbox.updatedAt, nowMs),
        or(isNull(outbox.ref), notLike(outbox.ref, `${ALERT_KEY_PREFIX}%`)),
      ),
    )
    .orderBy(outbox.id)
    .limit(limit);
}

/** When each office was last alerted (offices alerted since `sinceMs`), by office code ('' = the top office). */
export async function lastAlerts(d1: D1Database, sinceMs: number): Promise<Map<string, number>> {
  const rows = await openDb(d1)
    .select({ ref: outbox.ref, at: outbox.createdAt })
    .from(outbox)
    .where(and(like(outbox.ref, `${ALERT_KEY_PREFIX}%`), gt(outbox.createdAt, sinceMs)));
  const last = new Map<string, number>();
  for (const { ref, at } of rows) {
    if (ref === null) continue; // never: LIKE matched it
    const office = decodeURIComponent(ref.slice(ALERT_KEY_PREFIX.length).split(":")[0] ?? "");
    last.set(office, Math.max(last.get(office) ?? 0, at));
  }
  return last;
}

export interface AdminRecipient {
  openId: string;
  lang: string;
  /** their office ('' = none given: the top office) */
  office: string;
}

/** Active administrators (系统管理员) with an open_id. */
export async function activeAdmins(d1: D1Database): Promise<AdminRecipient[]> {
  const rows = await openDb(d1)
    .select({ openId: people.openId, lang: people.lang, office: sql<string>`COALESCE(${people.officeCode}, '')` })
    .from(people)
    .where(and(eq(people.role, "admin"), eq(people.active, true), isNotNull(people.openId)))
    .orderBy(people.code);
  return rows.map((row) => ({ ...row, openId: row.openId! }));
}
