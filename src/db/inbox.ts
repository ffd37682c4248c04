import { asc, eq, inArray, lt, lte, sql } from "drizzle-orm";
import { chunkForJson, openDb } from "./client.ts";
import { inbox } from "./schema.ts";

/**
 * The inbox: each verified inbound event, recorded before Feishu gets its 200. The batch that commits the
 * event's work deletes its row; a row left past its next_attempt_at was lost after the 200 and is run again
 * by the recovery job (jobs/inbox-recovery.ts). The claim in processed_events keeps that exactly once.
 */

/** Before this the live attempt may still be running (waitUntil allows 30 s after the response). */
export const RECOVER_AFTER_MS = 60 * 1000;
/** Past this an event is dropped unprocessed (logged): Feishu's own retries end after about 7.1 hours. */
export const INBOX_KEEP_MS = 12 * 60 * 60 * 1000;

/** A json_each fan-out (one statement for a burst of events): drizzle has no insert-from-JSON. */
const INSERT_INBOX_SQL = `INSERT INTO inbox (event_id, payload, received_at, attempts, next_attempt_at)
SELECT json_extract(value, '$.id'), json_extract(value, '$.payload'), json_extract(value, '$.at'), 0, json_extract(value, '$.at') + ?2
FROM json_each(?1) WHERE true
ON CONFLICT(event_id) DO NOTHING`;

/**
 * Records events before their 200, once each (a redelivery keeps the first row and its schedule). The events of
 * a burst are written together: while one insert is in flight, those that arrive wait and go in the next, one
 * statement for all of them (as the rate limiter groups its reservations, delivery/rate-limit.ts), so a burst of
 * 50 costs a few D1 round trips, not 50 in a row. A group's insert is made by one of its own members.
 */
interface Pending {
  d1: D1Database;
  row: { id: string; payload: string; at: number };
  outcome?: { error: unknown } | { ok: true };
}
let waiting: Pending[] = [];
let inFlight: Promise<void> | undefined;
/** a member waits this long at most for a group in flight before writing alone (its maker's invocation may have died) */
const GROUP_WAIT_MS = 1_000;

export async function recordInbox(d1: D1Database, eventId: string, payload: string, nowMs: number): Promise<void> {
  const pending: Pending = { d1, row: { id: eventId, payload, at: nowMs } };
  waiting.push(pending);
  while (!pending.outcome) {
    if (inFlight) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settled = await Promise.race([inFlight.then(() => true, () => true), new Promise<false>((resolve) => (timer = setTimeout(resolve, GROUP_WAIT_MS, false)))]);
      clearTimeout(timer);
      if (settled || pending.outcome) continue;
      waiting = waiting.filter((other) => other !== pending);
      await writeTogether([pending]);
      break;
    }
    const group = waiting;
    waiting = [];
    const running: Promise<void> = writeTogether(group).finally(() => {
      if (inFlight === running) inFlight = undefined;
    });
    inFlight = running;
    await running;
  }
  const outcome = pending.outcome!;
  if ("error" in outcome) throw outcome.error;
}

async function writeTogether(group: Pending[]): Promise<void> {
  const byDatabase = new Map<D1Database, Pending[]>();
  for (const pending of group) byDatabase.set(pending.d1, [...(byDatabase.get(pending.d1) ?? []), pending]);
  for (const [d1, members] of byDatabase) {
    try {
      const statements = chunkForJson(members.map((pending) => pending.row)).map((chunk) => d1.prepare(INSERT_INBOX_SQL).bind(JSON.stringify(chunk), RECOVER_AFTER_MS));
      if (statements.length === 1) await statements[0]!.run();
      else await d1.batch(statements);
      for (const pending of members) pending.outcome = { ok: true };
    } catch (error) {
      for (const pending of members) pending.outcome = { error };
    }
  }
}

/** Joins the batch that commits the event's work (or its error answer): the event is done. */
export function doneInboxStatement(d1: D1Database, eventId: string) {
  return openDb(d1).delete(inbox).where(eq(inbox.eventId, eventId));
}

export interface InboxRow {
  event_id: string;
  payload: string;
  attempts: number;
  received_at: number;
}

/**
 * Takes the rows due for another attempt and moves each one's next attempt on (1, 2, 4 … 30 minutes) (so an overlapping run, or a
 * recovery that dies too, leaves them for later), in one statement. Rows past INBOX_KEEP_MS are deleted and
 * returned apart, for the log.
 */
export async function takeDueInbox(d1: D1Database, nowMs: number, limit: number): Promise<{ due: InboxRow[]; expired: string[] }> {
  const db = openDb(d1);
  const [expired, due] = await db.batch([
    db
      .delete(inbox)
      .where(lt(inbox.receivedAt, nowMs - INBOX_KEEP_MS))
      .returning({ eventId: inbox.eventId }),
    db
      .update(inbox)
      .set({ attempts: sql`${inbox.attempts} + 1`, nextAttemptAt: sql`${nowMs} + 60000 * min(30, (1 << max(0, ${inbox.attempts})))` })
      .where(inArray(inbox.eventId, db.select({ eventId: inbox.eventId }).from(inbox).where(lte(inbox.nextAttemptAt, nowMs)).orderBy(asc(inbox.nextAttemptAt)).limit(limit)))
      .returning({ event_id: inbox.eventId, payload: inbox.payload, attempts: inbox.attempts, received_at: inbox.receivedAt }),
  ]);
  return { due, expired: expired.map((row) => row.eventId) };
}
