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
