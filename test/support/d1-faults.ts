import type { TestWorker } from "./worker.ts";

/**
 * A D1 that fails on demand, for integration tests: an entry module (TestWorker's `wrapEntry`) that hands the
 * real bundle, on real workerd, an env whose DB is a facade over the real local D1. The bundle itself holds
 * nothing of this: production never runs this entry, so no switch in the Worker can turn faults on.
 *
 * The plan is set by a POST to `/__test/d1-faults` (answered by this entry, never by the Worker) and counts
 * calls (a statement's first/all/run/raw, a batch, an exec) from the moment it is set, optionally only those
 * whose SQL matches `match` (a regular expression; a batch matches when one of its statements does):
 * - `failCalls: [n, …]`: the n-th counted call fails with `message` (by default D1's transient
 *   "D1_ERROR: Network connection lost.");
 * - `failFrom: n`: every counted call from the n-th on fails, until the next plan;
 * - `hangFrom: n`: every counted call from the n-th on never returns (the isolate "killed" mid-work: nothing
 *   after that point writes, sends or logs), until the next plan.
 * The answer is the previous plan's counts: `{ seen, failed, hung }` (`{ peek: true }`: the current plan's, plan unchanged).
 */
export const D1_FAULTS_ENTRY = `
import worker from "./index.js";
const TRANSIENT = "D1_ERROR: Network connection lost.";
let plan = {};
let counts = { seen: 0, failed: 0, hung: 0 };
async function gate(sqls) {
  if (plan.match && !sqls.some((sql) => new RegExp(plan.match).test(sql ?? ""))) return;
  const n = ++counts.seen;
  if (plan.hangFrom && n >= plan.hangFrom) {
    counts.hung++;
    await new Promise(() => {});
  }
  if ((plan.failCalls ?? []).includes(n) || (plan.failFrom && n >= plan.failFrom)) {
    counts.failed++;
    throw new Error(plan.message ?? TRANSIENT);
  }
}
const REAL = Symbol("faulty");
function wrapStatement(real, sql) {
  const call = (method) => async (...args) => { await gate([sql]); return real[method](...args); };
  return { [REAL]: real, __sql: sql, bind: (...values) => wrapStatement(real.bind(...values), sql), first: call("first"), all: call("all"), run: call("run"), raw: call("raw") };
}
function wrapDb(db) {
  return {
    prepare: (sql) => wrapStatement(db.prepare(sql), sql),
    batch: async (statements) => { await gate(statements.map((s) => s.__sql)); return db.batch(statements.map((s) => s[REAL] ?? s)); },
    exec: async (sql) => { await gate([sql]); return db.exec(sql); },
    dump: () => db.dump(),
    withSession: (c) => db.withSession(c),
  };
}
let wrapped;
const envOf = (env) => (wrapped ??= { ...env, DB: wrapDb(env.DB) });
export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__test/d1-faults") {
      const next = await request.json();
      if (next.peek) return Response.json(counts);
      const previous = counts;
      plan = next;
      counts = { seen: 0, failed: 0, hung: 0 };
      return Response.json(previous);
    }
    return worker.fetch(request, envOf(env), ctx);
  },
  queue: (batch, env, ctx) => worker.queue(batch, envOf(env), ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, envOf(env), ctx),
};
`;

export interface D1FaultPlan {
  match?: string;
  failCalls?: number[];
  failFrom?: number;
  hangFrom?: number;
  message?: string;
  peek?: boolean;
}

/** Sets the fault plan (`{}`: none); returns what the previous plan counted. */
export async function setD1Faults(worker: TestWorker, plan: D1FaultPlan): Promise<{ seen: number; failed: number; hung: number }> {
  const response = await worker.fetch("/__test/d1-faults", { method: "POST", body: JSON.stringify(plan) });
  return (await response.json()) as { seen: number; failed: number; hung: number };
}

/** The current plan's counts, the plan unchanged. */
export const peekD1Faults = (worker: TestWorker) => setD1Faults(worker, { peek: true });
