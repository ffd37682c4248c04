import { readdirSync, readFileSync } from "node:fs";
import type { FakeFeishu } from "../test/support/fake-feishu.ts";
import { TestWorker } from "../test/support/worker.ts";

/**
 * The benchmark's Worker: the same bundle the tests run, wrapped by a tiny
 * entry module that counts D1 statements (and round trips) per invocation.
 * It hands the bundle an env whose DB is a counting facade over the real
 * binding; AsyncLocalStorage attributes each query to the fetch / queue /
 * scheduled invocation (waitUntil work included) it belongs to, and one
 * `{"bench":"d1",...}` log line is printed when the invocation's work is done.
 */
const WRAPPER = `
import worker from "./index.js";
import { AsyncLocalStorage } from "node:async_hooks";
const als = new AsyncLocalStorage();
const count = (n) => { const c = als.getStore(); if (c) { c.statements += n; c.roundTrips += 1; } };
function wrapStatement(real) {
  return {
    __real: real,
    bind: (...args) => wrapStatement(real.bind(...args)),
    first: (...args) => { count(1); return real.first(...args); },
    all: (...args) => { count(1); return real.all(...args); },
    run: (...args) => { count(1); return real.run(...args); },
    raw: (...args) => { count(1); return real.raw(...args); },
  };
}
function wrapDb(db) {
  return {
    prepare: (sql) => wrapStatement(db.prepare(sql)),
    batch: (statements) => { count(statements.length); return db.batch(statements.map((s) => s.__real ?? s)); },
    exec: (sql) => { count(1); return db.exec(sql); },
    dump: () => db.dump(),
  };
}
let wrappedEnv;
const envOf = (env) => (wrappedEnv ??= { ...env, DB: wrapDb(env.DB) });
async function measured(route, ctx, run) {
  const counter = { statements: 0, roundTrips: 0, pending: [] };
  const innerCtx = { waitUntil: (p) => { counter.pending.push(p); ctx.waitUntil(p); }, passThroughOnException: () => ctx.passThroughOnException?.() };
  const result = await als.run(counter, () => run(innerCtx));
  const done = (async () => {
    for (let seen = -1; seen !== counter.pending.length; ) { seen = counter.pending.length; await Promise.allSettled(counter.pending); }
    console.log(JSON.stringify({ bench: "d1", route, statements: counter.statements, roundTrips: counter.roundTrips }));
  })();
  ctx.waitUntil(done);
  return result;
}
export default {
  fetch: (request, env, ctx) => measured(new URL(request.url).pathname, ctx, (c) => worker.fetch(request, envOf(env), c)),
  queue: (batch, env, ctx) => measured("queue:" + batch.messages.length, ctx, (c) => worker.queue(batch, envOf(env), c)),
  scheduled: (controller, env, ctx) => measured("cron:" + controller.cron, ctx, (c) => worker.scheduled(controller, envOf(env), c)),
};
`;

export interface BenchWorker {
  worker: TestWorker;
  logs: Record<string, unknown>[];
}

export async function startBenchWorker(fake: FakeFeishu): Promise<BenchWorker> {
  const worker = await TestWorker.start({ fake, wrapEntry: WRAPPER });
  return { worker, logs: worker.logs };
}
/** CPU time (ms) used so far by the workerd processes this Node process started (Linux /proc; utime + stime). */
export function workerdCpuMs(): number | undefined {
  let total = 0;
  let found = false;
  const tick = 10; // USER_HZ = 100 on Linux
  try {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      if (!comm.includes("workerd") || Number(fields[1]) !== process.pid) continue;
      total += (Number(fields[11]) + Number(fields[12])) * tick;
      found = true;
    }
  } catch {
    return undefined;
  }
  return found ? total : undefined;
}
