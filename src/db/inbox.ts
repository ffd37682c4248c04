/**
 * The inbox: each verified inbound event, recorded before Feishu gets its 200. The batch that commits the
 * event's work deletes its row; a row left past its next_attempt_at was lost after the 200 and is run again
 * by the recovery job (jobs/inbox-recovery.ts). The claim in processed_events keeps that exactly once.
 */

/** Before this the live attempt may still be running (waitUntil allows 30 s after the response). */
export const RECOVER_AFTER_MS = 60 * 1000;
/** Past this an event is dropped unprocessed (logged): Feishu's own retries end after about 7.1 hours. */
export const INBOX_KEEP_MS = 12 * 60 * 60 * 1000;

/** Records an event once (a redelivery keeps the first row and its schedule). One statement, one round trip. */
export function recordInboxStatement(d1: D1Database, eventId: string, payload: string, nowMs: number): D1PreparedStatement {
  return d1
    .prepare("INSERT INTO inbox (event_id, payload, received_at, attempts, next_attempt_at) VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT(event_id) DO NOTHING")
    .bind(eventId, payload, nowMs, nowMs + RECOVER_AFTER_MS);
}

/** Joins the batch that commits the event's work (or its error answer): the event is done. */
export function doneInboxStatement(d1: D1Database, eventId: string): D1PreparedStatement {
  return d1.prepare("DELETE FROM inbox WHERE event_id = ?").bind(eventId);
}

export interface InboxRow {
  event_id: string;
  payload: string;
  attempts: number;
}

/**
 * Takes the rows due for another attempt and moves each one's next attempt on (1, 2, 4 … 30 minutes) (so an overlapping run, or a
 * recovery that dies too, leaves them for later), in one statement. Rows past INBOX_KEEP_MS are deleted and
 * returned apart, for the log.
 */
export async function takeDueInbox(d1: D1Database, nowMs: number, limit: number): Promise<{ due: InboxRow[]; expired: string[] }> {
  const [expired, due] = await d1.batch<{ event_id: string } & Partial<InboxRow>>([
    d1.prepare("DELETE FROM inbox WHERE received_at < ? RETURNING event_id").bind(nowMs - INBOX_KEEP_MS),
    d1
      .prepare(
        `UPDATE inbox SET attempts = attempts + 1,
           next_attempt_at = ?1 + 60000 * min(30, (1 << max(0, attempts)))
         WHERE event_id IN (SELECT event_id FROM inbox WHERE next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT ?2)
         RETURNING event_id, payload, attempts`,
      )
      .bind(nowMs, limit),
  ]);
  return { due: (due?.results ?? []) as InboxRow[], expired: (expired?.results ?? []).map((row) => row.event_id) };
}
