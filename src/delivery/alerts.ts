/**
 * What the delivery alerts read (usecases/delivery-alerts.ts): messages that died, with the office they
 * belong to and the recipient's name from the roster (never a mobile or an email), the admins to tell,
 * and when each office was last told.
 */

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
  const { results } = await d1
    .prepare(
      `SELECT o.id, o.receive_id AS receiveId, o.last_error AS lastError, o.updated_at AS updatedAt, p.name AS personName,
         COALESCE(NULLIF(p.office_code, ''),
           (SELECT f.code FROM offices f WHERE z.level = 'district' AND f.district <> '' AND f.district = z.district ORDER BY f.code LIMIT 1),
           (SELECT f.code FROM offices f WHERE f.digest_chat_id = o.receive_id ORDER BY f.code LIMIT 1),
           '') AS office
       FROM outbox o
       LEFT JOIN people p ON o.receive_id_type = 'open_id' AND p.open_id = o.receive_id
       LEFT JOIN schools s ON s.code = p.school_code
       LEFT JOIN zones z ON z.code = COALESCE(p.zone_code, s.zone_code)
       WHERE o.state = 'dead' AND o.updated_at > ?1 AND o.updated_at <= ?2 AND (o.ref IS NULL OR o.ref NOT LIKE '${ALERT_KEY_PREFIX}%')
       ORDER BY o.id LIMIT ?3`,
    )
    .bind(sinceMs, nowMs, limit)
    .all<DeadMessage>();
  return results;
}

/** When each office was last alerted (offices alerted since `sinceMs`), by office code ('' = the top office). */
export async function lastAlerts(d1: D1Database, sinceMs: number): Promise<Map<string, number>> {
  const { results } = await d1
    .prepare(`SELECT ref, created_at AS at FROM outbox WHERE ref LIKE '${ALERT_KEY_PREFIX}%' AND created_at > ?1`)
    .bind(sinceMs)
    .all<{ ref: string; at: number }>();
  const last = new Map<string, number>();
  for (const { ref, at } of results) {
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
  const { results } = await d1
    .prepare("SELECT open_id AS openId, lang, COALESCE(office_code, '') AS office FROM people WHERE role = 'admin' AND active = 1 AND open_id IS NOT NULL ORDER BY code")
    .all<AdminRecipient>();
  return results;
}
