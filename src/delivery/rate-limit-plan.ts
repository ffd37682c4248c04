/**
 * The send-rate limiter's budgets and its pure planning: given the state read from D1, a send time for each
 * message. Reading and writing that state across invocations is rate-limit.ts (which explains the budgets).
 */

export const APP_SPACING_MS = 1000 / 48;
/** sends that may go out at the same moment when the app has been quiet */
export const BURST_SIZE = 10;
/** (the arrival time is kept in whole ms, rounded up at every send) */
export const BURST_TOLERANCE_MS = (BURST_SIZE - 1) * Math.ceil(APP_SPACING_MS);
/** at most this many sends in any second (Feishu: 50), whatever the bursts */
export const SECOND_BUDGET = 48;
export const SECOND_BUCKET_MS = 50;
/** 50 ms buckets summed for the second window: the send's own and the 20 before it (≥ 1 s) */
export const SECOND_BUCKETS = 1000 / SECOND_BUCKET_MS + 1;
export const RECIPIENT_SPACING_MS = 334;
export const MINUTE_BUDGET = 990;
/** buckets summed for the minute window: the current second and the 60 before it */
export const WINDOW_BUCKETS = 61;

export interface LimiterState {
  /** this isolate's reservation count when the state was read (see reservationsMade): a later reservation of ours makes it stale */
  generation?: number;
  appTat: number;
  /** epoch second → sends scheduled in it */
  buckets: Map<number, number>;
  /** 50 ms bucket (epoch ms / 50) → sends scheduled in it; absent in states from before these buckets existed */
  slots?: Map<number, number>;
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
  const perSlot = (state.slots ??= new Map());
  /** the earliest time from `at` on at which `buckets` summed over `count` buckets of `size` ms has room under `budget` */
  const roomFrom = (at: number, buckets: Map<number, number>, size: number, count: number, budget: number) => {
    for (let guard = 0; guard < 1_000; guard++) {
      const current = Math.floor(at / size);
      let used = 0;
      let oldest: number | undefined;
      for (let b = current - count + 1; b <= current; b++) {
        const n = buckets.get(b) ?? 0;
        if (n > 0 && oldest === undefined) oldest = b;
        used += n;
      }
      if (used < budget || oldest === undefined) return at;
      // wait until the oldest busy bucket leaves the window
      at = Math.max(at, (oldest + count) * size);
    }
    return at;
  };
  for (let index = 0; index < recipients.length; index++) {
    const recipient = recipients[index]!;
    let at = Math.ceil(Math.max(nowMs, state.appTat - BURST_TOLERANCE_MS, state.recipients.get(recipient) ?? 0));
    // both windows: moving past one may fill the other
    for (let guard = 0; guard < 100; guard++) {
      const next = roomFrom(roomFrom(at, state.buckets, 1000, WINDOW_BUCKETS, MINUTE_BUDGET), perSlot, SECOND_BUCKET_MS, SECOND_BUCKETS, SECOND_BUDGET);
      if (next === at) break;
      at = next;
    }
    if (at > nowMs + maxWaitMs) break;
    const second = Math.floor(at / 1000);
    state.buckets.set(second, (state.buckets.get(second) ?? 0) + 1);
    const bucket = Math.floor(at / SECOND_BUCKET_MS);
    perSlot.set(bucket, (perSlot.get(bucket) ?? 0) + 1);
    state.appTat = Math.ceil(Math.max(state.appTat, at) + APP_SPACING_MS);
    state.recipients.set(recipient, Math.ceil(at + RECIPIENT_SPACING_MS));
    slots.push({ index, at });
  }
  return slots;
}
