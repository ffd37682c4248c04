/**
 * The send-rate limiter shared by every queue-consumer invocation.
 *
 * Feishu allows 50 messages/s and 1,000/min per app and 5/s to one recipient
 * (../shared/docs/feishu.md). Pacing inside one invocation is not enough: the
 * next invocation starts right after, and per-minute limits span many of them.
 * So the limiter's state lives in D1's `rate_counters` table:
 *
 * - `app:tat`          the app's "theoretical arrival time" (GCRA): every send pushes it
 *                      forward by APP_SPACING_MS (a little over 1000/50 ms); a send may go
 *                      out BURST_TOLERANCE_MS before it, so a burst of BURST_SIZE (ten
 *                      people asking at once) goes out together instead of 20 ms apart.
 * - `app:w:<epoch/50ms>` how many sends were scheduled in each 50 ms. Feishu counts 50/s
 *                      over any second, bursts included, so the sum over the 21 buckets
 *                      that cover the second before a send must stay under SECOND_BUDGET.
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
import { APP_SPACING_MS, BURST_TOLERANCE_MS, planSlots, SECOND_BUCKET_MS, SECOND_BUCKETS, WINDOW_BUCKETS, type LimiterState, type Slot } from "./rate-limit-plan.ts";

export {
  APP_SPACING_MS,
  BURST_SIZE,
  BURST_TOLERANCE_MS,
  MINUTE_BUDGET,
  planSlots,
  RECIPIENT_SPACING_MS,
  SECOND_BUCKET_MS,
  SECOND_BUCKETS,
  SECOND_BUDGET,
  WINDOW_BUCKETS,
} from "./rate-limit-plan.ts";
export type { LimiterState, Slot } from "./rate-limit-plan.ts";

const APP_TAT = "app:tat";
const bucketKey = (second: number) => `app:s:${String(second).padStart(11, "0")}`;
const slotKey = (bucket: number) => `app:w:${String(bucket).padStart(12, "0")}`;
const recipientKey = (recipient: string) => `to:${recipient}`;
/** The two statements that read the limiter's state for `recipients` (they can ride in another batch: see UnitOfWork). */
export function readStateStatements(d1: D1Database, recipients: readonly string[], nowMs: number): D1PreparedStatement[] {
  const from = bucketKey(Math.floor(nowMs / 1000) - WINDOW_BUCKETS);
  const fromSlot = slotKey(Math.floor(nowMs / SECOND_BUCKET_MS) - SECOND_BUCKETS);
  return [
    d1.prepare("INSERT INTO rate_counters (key, count, expires_at) VALUES (?1, 0, 9007199254740991) ON CONFLICT(key) DO NOTHING").bind(APP_TAT),
    d1
      .prepare(
        "SELECT key, count FROM rate_counters WHERE key = ?1 OR (key >= ?2 AND key < 'app:t') OR (key >= ?4 AND key < 'app:x') OR key IN (SELECT 'to:' || value FROM json_each(?3))",
      )
      .bind(APP_TAT, from, JSON.stringify([...new Set(recipients)]), fromSlot),
  ];
}

/** The state from the second statement's result of readStateStatements (`generation`: reservationsMade() before the read was sent). */
export function parseState(read: D1Result<{ key: string; count: number }> | D1Result | undefined, generation?: number): LimiterState {
  const state: LimiterState = { generation, appTat: 0, buckets: new Map(), slots: new Map(), recipients: new Map() };
  for (const row of (read?.results ?? []) as { key: string; count: number }[]) {
    if (row.key === APP_TAT) state.appTat = row.count;
    else if (row.key.startsWith("app:s:")) state.buckets.set(Number(row.key.slice(6)), row.count);
    else if (row.key.startsWith("app:w:")) state.slots!.set(Number(row.key.slice(6)), row.count);
    else if (row.key.startsWith("to:")) state.recipients.set(row.key.slice(3), row.count);
  }
  return state;
}

async function readState(d1: D1Database, recipients: readonly string[], nowMs: number): Promise<LimiterState> {
  const [, read] = await d1.batch<{ key: string; count: number }>(readStateStatements(d1, recipients, nowMs));
  return parseState(read);
}

/**
 * Reservations of this isolate are made together: while one compare-and-set is in flight, the
 * requests that arrive (a burst of chat commands, each answered by its own fast path) wait and are
 * then planned and written as one group, with one read and one compare-and-set. Each on its own would
 * read the same state and all but one would lose the compare-and-set, again and again. Across
 * isolates the compare-and-set still decides. A group's D1 calls are made by one of its own members
 * (whose invocation is alive while it waits for its slots), never by an invocation that has finished.
 */
interface Request {
  d1: D1Database;
  recipients: readonly string[];
  /** no slot later than this (ms) */
  deadline: number;
  preRead: LimiterState | undefined;
  /** the limiter's clock (src/test-clock.ts deliveryClock: the wall clock but in tests that hold it) */
  now: () => number | Promise<number>;
  outcome?: { slots: Slot[] } | { error: unknown };
}
let waiting: Request[] = [];
let inFlight: Promise<void> | undefined;
let reservationsDone = 0;
/** a member waits this long at most for a group in flight before reserving alone (its maker's invocation may have died) */
const GROUP_WAIT_MS = 3_000;

/** How many reservations this isolate has made: a state read before the count moved is stale (its compare-and-set would fail). */
export const reservationsMade = () => reservationsDone;

/**
 * Reserves send slots for `recipients` (one per message, in order) across
 * invocations. Returns the slots granted (a prefix of the list: the rest would
 * wait longer than `maxWaitMs` and should be deferred).
 */
export async function reserveSlots(
  d1: D1Database,
  recipients: readonly string[],
  nowMs: number,
  maxWaitMs: number,
  preRead?: LimiterState,
  now: () => number | Promise<number> = () => Date.now(),
): Promise<Slot[]> {
  if (recipients.length === 0) return [];
  const request: Request = { d1, recipients, deadline: nowMs + maxWaitMs, preRead, now };
  waiting.push(request);
  while (!request.outcome) {
    if (inFlight) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settled = await Promise.race([inFlight.then(() => true, () => true), new Promise<false>((resolve) => (timer = setTimeout(resolve, GROUP_WAIT_MS, false)))]);
      clearTimeout(timer);
      if (settled || request.outcome) continue;
      waiting = waiting.filter((other) => other !== request);
      await reserveTogether([request]);
      break;
    }
    const group = waiting;
    waiting = [];
    // cleared before any member waiting on it resumes
    const running: Promise<void> = reserveTogether(group).finally(() => {
      if (inFlight === running) inFlight = undefined;
    });
    inFlight = running;
    await running;
  }
  const outcome = request.outcome!;
  if ("error" in outcome) throw outcome.error;
  return outcome.slots;
}

/** Plans and writes the requests' slots, one compare-and-set per database; every request gets its outcome. */
async function reserveTogether(requests: Request[]): Promise<void> {
  const byDatabase = new Map<D1Database, Request[]>();
  for (const request of requests) byDatabase.set(request.d1, [...(byDatabase.get(request.d1) ?? []), request]);
  for (const [d1, group] of byDatabase) {
    try {
      const granted = await reserveGroup(d1, group);
      group.forEach((request, i) => (request.outcome = { slots: granted[i]! }));
    } catch (error) {
      for (const request of group) request.outcome = { error };
    }
  }
}

async function reserveGroup(d1: D1Database, group: Request[]): Promise<Slot[][]> {
  const recipients = group.flatMap((request) => request.recipients);
  // a state read in the caller's own batch saves the first round trip (it is as good as any: the CAS checks it),
  // unless this isolate has reserved since it was read; a group needs one read covering all its recipients
  const preRead = group.length === 1 ? group[0]!.preRead : undefined;
  const fresh = preRead && (preRead.generation === undefined || preRead.generation === reservationsDone) ? preRead : undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const nowMs = await group[0]!.now();
    const state = attempt === 0 && fresh ? fresh : await readState(d1, recipients, nowMs);
    const before = state.appTat;
    const bucketsBefore = new Map(state.buckets);
    const slotsBefore = new Map(state.slots);
    const granted = group.map((request) => planSlots(state, request.recipients, nowMs, request.deadline - nowMs));
    if (granted.every((slots) => slots.length === 0)) return granted;
    const added = (after: Map<number, number>, previous: Map<number, number>) =>
      [...after].filter(([bucket, count]) => count !== (previous.get(bucket) ?? 0)).map(([bucket, count]) => [bucket, count - (previous.get(bucket) ?? 0)] as const);
    const bucketRows = [
      ...added(state.buckets, bucketsBefore).map(([second, add]) => ({ key: bucketKey(second), add, expires: (second + WINDOW_BUCKETS + 1) * 1000 })),
      ...added(state.slots!, slotsBefore).map(([bucket, add]) => ({ key: slotKey(bucket), add, expires: (bucket + SECOND_BUCKETS + 1) * SECOND_BUCKET_MS })),
    ];
    const used = new Set(group.flatMap((request, i) => granted[i]!.map((slot) => request.recipients[slot.index]!)));
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
    if ((cas?.meta.changes ?? 0) === 1) {
      reservationsDone++;
      return granted;
    }
  }
  // Heavy contention: let the callers defer everything (the queue redelivers later).
  return group.map(() => []);
}

/**
 * Sends that went out in a later 50 ms bucket than planned are moved to the bucket of their real time, so the
 * next reservation sees the last second as Feishu counted it (a burst must not land on top of late sends).
 */
export function lateSendsStatements(d1: D1Database, sends: readonly { plannedAt: number; sentAt: number }[]): D1PreparedStatement[] {
  const moved = new Map<number, number>();
  for (const { plannedAt, sentAt } of sends) {
    const planned = Math.floor(plannedAt / SECOND_BUCKET_MS);
    const real = Math.floor(sentAt / SECOND_BUCKET_MS);
    if (real === planned) continue;
    moved.set(real, (moved.get(real) ?? 0) + 1);
    moved.set(planned, (moved.get(planned) ?? 0) - 1);
  }
  const rows = [...moved].filter(([, add]) => add !== 0).map(([bucket, add]) => ({ key: slotKey(bucket), add, expires: (bucket + SECOND_BUCKETS + 1) * SECOND_BUCKET_MS }));
  if (rows.length === 0) return [];
  return [
    d1
      .prepare(
        `INSERT INTO rate_counters (key, count, expires_at)
         SELECT json_extract(value, '$.key'), json_extract(value, '$.add'), json_extract(value, '$.expires') FROM json_each(?1) WHERE json_extract(value, '$.add') > 0
         ON CONFLICT(key) DO UPDATE SET count = count + excluded.count`,
      )
      .bind(JSON.stringify(rows)),
    d1
      .prepare(
        `UPDATE rate_counters SET count = MAX(0, rate_counters.count + json_extract(j.value, '$.add'))
         FROM json_each(?1) AS j WHERE rate_counters.key = json_extract(j.value, '$.key') AND json_extract(j.value, '$.add') < 0`,
      )
      .bind(JSON.stringify(rows)),
  ];
}

/**
 * After dispatching, push the app's arrival time past the last real send with no burst allowance left:
 * sends that went out later than planned (busy connections) are counted in the windows at their planned
 * times, so the next invocation must not burst right behind them.
 */
export function bumpAppTatStatement(d1: D1Database, lastDispatchMs: number): D1PreparedStatement {
  return d1.prepare("UPDATE rate_counters SET count = MAX(count, ?1) WHERE key = ?2").bind(Math.ceil(lastDispatchMs + APP_SPACING_MS + BURST_TOLERANCE_MS), APP_TAT);
}
