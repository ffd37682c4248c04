/**
 * The send-rate limiter shared by every queue-consumer invocation.
 *
 * Feishu allows 50 messages/s and 1,000/min per app and 5/s to one recipient
 * (../shared/docs/feishu.md). Pacing inside one invocation is not enough: the
 * next invocation starts right after, and per-minute limits span many of them.
 * So the limiter's state lives in D1's `rate_counters` table:
 *
 * - `app:tat`          the app's "theoretical arrival time" (GCRA): the earliest
 *                      ms at which the next send may go out. Every send pushes it
 *                      forward by APP_SPACING_MS (a little over 1000/50 ms).
 * - `app:s:<epochSec>` how many sends were scheduled in that second. The sum over
 *                      the last 61 buckets must stay under MINUTE_BUDGET, which is a
 *                      sliding-window limit (not a smoothed rate), so a 349-card
 *                      fan-out goes at 50/s and a 5,600-card one sends 1,000 in each
 *                      minute, as Feishu's own windows allow.
 * - `to:<recipient>`   the recipient's own arrival time, spaced RECIPIENT_SPACING_MS: a user, or a
 *                      chat (a group's 5/s is shared by all bots and counts replies too, so the
 *                      limiter keys group sends and replies by chat_id; see send.ts recipientOf).
 *
 * An invocation reads that state once, plans a send time ("slot") for each of
 * its (≤ 50) messages in JS, and writes the new state back in ONE D1 batch
 * guarded by compare-and-set on `app:tat`: if another invocation reserved in
 * between, nothing is written and it plans again. That is 2 D1 round trips per
 * invocation whatever the batch size, and it stays correct with
 * max_concurrency > 1. The consumer then dispatches each message no earlier
 * than its slot. The margins (48/s, 990/61 s, 3/s per user or chat: two slots of room for network jitter and
 * other bots in a group) absorb timer
 * and network jitter; any 429 that still happens is retried with backoff.
 */

export const APP_SPACING_MS = 1000 / 48;
export const RECIPIENT_SPACING_MS = 334;
export const MINUTE_BUDGET = 990;
/** buckets summed for the minute window: the current second and the 60 before it */
export const WINDOW_BUCKETS = 61;

const APP_TAT = "app:tat";
const bucketKey = (second: number) => `app:s:${String(second).padStart(11, "0")}`;
const recipientKey = (recipient: string) => `to:${recipient}`;

export interface LimiterState {
  appTat: number;
  /** epoch second → sends scheduled in it */
  buckets: Map<number, number>;
  /** recipient → earliest next send (ms) */
  recipients: Map<string, number>;
}

export interface Slot {
  /** index into the requests given to planSlots */
  index: number;
  at: number;
}

/**
 * Pure planning: a send time for each request in order, never earlier than
 * `nowMs`, respecting app spacing, the per-recipient spacing and the sliding
 * minute budget. Stops at the first request whose slot would be later than
 * `nowMs + maxWaitMs` (those are deferred). Mutates and returns `state`.
 */
export function planSlots(state: LimiterState, recipients: readonly string[], nowMs: number, maxWaitMs: number): Slot[] {
  const slots: Slot[] = [];
  for (let index = 0; index < recipients.length; index++) {
    const recipient = recipients[index]!;
    let at = Math.max(Math.ceil(nowMs), state.appTat, state.recipients.get(recipient) ?? 0);
    for (let guard = 0; guard < 1_000; guard++) {
      const second = Math.floor(at / 1000);
      let used = 0;
      let oldest: number | undefined;
      for (let s = second - WINDOW_BUCKETS + 1; s <= second; s++) {
        const count = state.buckets.get(s) ?? 0;
        if (count > 0 && oldest === undefined) oldest = s;
        used += count;
      }
      if (used < MINUTE_BUDGET || oldest === undefined) break;
      // wait until the oldest busy second leaves the window
      at = Math.max(at, (oldest + WINDOW_BUCKETS) * 1000);
    }
    if (at > nowMs + maxWaitMs) break;
    const second = Math.floor(at / 1000);
    state.buckets.set(second, (state.buckets.get(second) ?? 0) + 1);
    state.appTat = Math.ceil(at + APP_SPACING_MS);
    state.recipients.set(recipient, Math.ceil(at + RECIPIENT_SPACING_MS));
    slots.push({ index, at });
  }
  return slots;
}

/** The two statements that read the limiter's state for `recipients` (they can ride in another batch: see UnitOfWork). */
export function readStateStatements(d1: D1Database, recipients: readonly string[], nowMs: number): D1PreparedStatement[] {
  const from = bucketKey(Math.floor(nowMs / 1000) - WINDOW_BUCKETS);
  return [
    d1.prepare("INSERT INTO rate_counters (key, count, expires_at) VALUES (?1, 0, 9007199254740991) ON CONFLICT(key) DO NOTHING").bind(APP_TAT),
    d1
      .prepare(
        "SELECT key, count FROM rate_counters WHERE key = ?1 OR (key >= ?2 AND key < 'app:t') OR key IN (SELECT 'to:' || value FROM json_each(?3))",
      )
      .bind(APP_TAT, from, JSON.stringify([...new Set(recipients)])),
  ];
}

/** The state from the second statement's result of readStateStatements. */
export function parseState(read: D1Result<{ key: string; count: number }> | D1Result | undefined): LimiterState {
  const state: LimiterState = { appTat: 0, buckets: new Map(), recipients: new Map() };
  for (const row of (read?.results ?? []) as { key: string; count: number }[]) {
    if (row.key === APP_TAT) state.appTat = row.count;
    else if (row.key.startsWith("app:s:")) state.buckets.set(Number(row.key.slice(6)), row.count);
    else if (row.key.startsWith("to:")) state.recipients.set(row.key.slice(3), row.count);
  }
  return state;
}

async function readState(d1: D1Database, recipients: readonly string[], nowMs: number): Promise<LimiterState> {
  const [, read] = await d1.batch<{ key: string; count: number }>(readStateStatements(d1, recipients, nowMs));
  return parseState(read);
}

/**
 * Reserves send slots for `recipients` (one per message, in order) across
 * invocations. Returns the slots granted (a prefix of the list: the rest would
 * wait longer than `maxWaitMs` and should be deferred).
 */
export async function reserveSlots(d1: D1Database, recipients: readonly string[], nowMs: number, maxWaitMs: number, preRead?: LimiterState): Promise<Slot[]> {
  if (recipients.length === 0) return [];
  for (let attempt = 0; attempt < 5; attempt++) {
    // a state read in the caller's own batch saves the first round trip (it is as good as any: the CAS checks it)
    const state = attempt === 0 && preRead ? preRead : await readState(d1, recipients, nowMs);
    const before = state.appTat;
    const bucketsBefore = new Map(state.buckets);
    const slots = planSlots(state, recipients, nowMs, maxWaitMs);
    if (slots.length === 0) return [];
    const touchedBuckets = [...state.buckets].filter(([second, count]) => count !== (bucketsBefore.get(second) ?? 0));
    const bucketRows = touchedBuckets.map(([second, count]) => ({
      key: bucketKey(second),
      add: count - (bucketsBefore.get(second) ?? 0),
      expires: (second + WINDOW_BUCKETS + 1) * 1000,
    }));
    const used = new Set(slots.map((slot) => recipients[slot.index]!));
    const recipientRows = [...used].map((recipient) => ({ key: recipientKey(recipient), at: state.recipients.get(recipient)! }));
    const after = state.appTat;
    // Only when the compare-and-set took effect (app:tat now holds our value) do the other rows change.
    const ours = "EXISTS (SELECT 1 FROM rate_counters WHERE key = ?1 AND count = ?2)";
    const [cas] = await d1.batch([
      d1.prepare("UPDATE rate_counters SET count = ?1 WHERE key = ?2 AND count = ?3").bind(after, APP_TAT, before),
      d1
        .prepare(
          `INSERT INTO rate_counters (key, count, expires_at)
           SELECT json_extract(value, '$.key'), json_extract(value, '$.add'), json_extract(value, '$.expires') FROM json_each(?3) WHERE ${ours}
           ON CONFLICT(key) DO UPDATE SET count = count + excluded.count`,
        )
        .bind(APP_TAT, after, JSON.stringify(bucketRows)),
      d1
        .prepare(
          `INSERT INTO rate_counters (key, count, expires_at)
           SELECT json_extract(value, '$.key'), json_extract(value, '$.at'), json_extract(value, '$.at') + 1000 FROM json_each(?3) WHERE ${ours}
           ON CONFLICT(key) DO UPDATE SET count = MAX(count, excluded.count), expires_at = MAX(expires_at, excluded.expires_at)`,
        )
        .bind(APP_TAT, after, JSON.stringify(recipientRows)),
      d1.prepare("DELETE FROM rate_counters WHERE expires_at < ?1").bind(nowMs),
    ]);
    if ((cas?.meta.changes ?? 0) === 1) return slots;
  }
  // Heavy contention: let the caller defer everything (the queue redelivers later).
  return [];
}

/** After dispatching late (slow connections), push the app's arrival time past the last real send. */
export function bumpAppTatStatement(d1: D1Database, lastDispatchMs: number): D1PreparedStatement {
  return d1.prepare("UPDATE rate_counters SET count = MAX(count, ?1) WHERE key = ?2").bind(Math.ceil(lastDispatchMs + APP_SPACING_MS), APP_TAT);
}
