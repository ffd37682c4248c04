/**
 * A meeting point that tests control. In production `TEST_BARRIER_URL` is not set and nothing happens (the
 * caller checks the var before calling, so not even a promise is made). In tests it points at a barrier the
 * test holds (test/support/test-barrier.ts): a unit of work that names its critical point (`UnitOfWork.criticalPoint`)
 * asks the barrier there before it commits, after it has read the state it decides on. A test holding that
 * point lets two requests arrive and releases both together, so both commits run against the same read state.
 */
export type BarrierVars = { TEST_BARRIER_URL?: string };

export async function meet(url: string, point: string): Promise<void> {
  const response = await fetch(`${url.replace(/\/+$/, "")}/meet?point=${encodeURIComponent(point)}`, { method: "POST" });
  await response.arrayBuffer();
}
