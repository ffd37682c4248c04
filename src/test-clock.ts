/**
 * Waits that tests control. In production `TEST_CLOCK_URL` is not set and `wait` is a timer. In tests it
 * points at a clock the test holds (test/support/test-clock.ts): the Worker asks it to answer after `ms` of
 * the test's time, and the test moves that time on when it chooses, so a time window (the photo batch's
 * quiet wait) is played out step by step instead of raced against the wall clock.
 */
export type ClockVars = { TEST_CLOCK_URL?: string };

export async function wait(env: ClockVars, ms: number, label: string): Promise<void> {
  const url = env.TEST_CLOCK_URL;
  if (!url) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
    return;
  }
  const response = await fetch(`${url.replace(/\/+$/, "")}/wait?ms=${Math.max(0, Math.round(ms))}&label=${encodeURIComponent(label)}`, { method: "POST" });
  await response.arrayBuffer();
}

/**
 * Delivery's clock: the rate limiter's "now" and the waits for its send slots (src/delivery/send.ts, rate-limit.ts).
 * In production the wall clock: `now()` is Date.now() and `until` a timer, nothing more. A test that sets
 * `TEST_CLOCK_DELIVERY` (besides `TEST_CLOCK_URL`) holds it: `now()` is the test clock's time and `until(at)` ends when
 * the test moves that time to `at`, so a pacing test steps through Feishu's seconds without living them, and the fake
 * Feishu judges its rate limits by the same time (test/support/fake-feishu.ts followClock).
 */
export interface DeliveryClock {
  /** true when the test holds this clock */
  readonly held: boolean;
  now(): number | Promise<number>;
  /** Waits until `at` (ms since the epoch) on this clock; resolves with the clock's time then. */
  until(at: number, label: string): Promise<number>;
  /**
   * Marks work of this invocation that is not waiting on the clock (its own flow, a send in flight) until the function
   * returned is called: a test moves its clock only while every such piece of work is waiting on it, so the clock never
   * runs ahead of a send on its way or of a plan being made. Production: nothing.
   */
  begin(): Promise<() => Promise<void>> | (() => Promise<void>);
}

const done = () => Promise.resolve();
const wallClock: DeliveryClock = {
  held: false,
  now: () => Date.now(),
  // a timer even when `at` is past (as the sleep it replaces): workerd's clock moves only at I/O and timers
  async until(at) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
    return Date.now();
  },
  begin: () => done,
};

export type DeliveryClockVars = ClockVars & { TEST_CLOCK_DELIVERY?: string };

/** `env`: the Worker's env (its test-only vars DeliveryClockVars, when set) */
export function deliveryClock(env: object): DeliveryClock {
  const vars = env as DeliveryClockVars;
  const url = vars.TEST_CLOCK_DELIVERY ? vars.TEST_CLOCK_URL : undefined;
  if (!url) return wallClock;
  const base = url.replace(/\/+$/, "");
  const ask = async (path: string, init?: RequestInit) => Number(await (await fetch(`${base}${path}`, init)).text());
  // this invocation's work, as the test's clock counts it (begin)
  const by = crypto.randomUUID();
  return {
    held: true,
    now: () => ask("/now"),
    until: (at, label) => ask(`/wait?until=${Math.ceil(at)}&label=${encodeURIComponent(label)}&by=${by}`, { method: "POST" }),
    async begin() {
      await ask(`/busy?by=${by}&d=1`, { method: "POST" });
      return async () => void (await ask(`/busy?by=${by}&d=-1`, { method: "POST" }));
    },
  };
}
