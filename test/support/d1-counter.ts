import { D1_FACADE } from "./d1-facade.ts";

/**
 * The Worker with its D1 statements counted: the same bundle, wrapped by a tiny
 * entry module that counts D1 statements (and round trips) per invocation.
 * It hands the bundle an env whose DB is a counting facade over the real
 * binding; AsyncLocalStorage attributes each query to the fetch / queue /
 * scheduled invocation (waitUntil work included) it belongs to, and one
 * `{"bench":"d1",...}` log line is printed when the invocation's work is done.
 */
export const D1_COUNTING_ENTRY = `
import worker from "./index.js";
import { AsyncLocalStorage } from "node:async_hooks";
${D1_FACADE}
const als = new AsyncLocalStorage();
const isOutbox = (sql) => /^\\s*INSERT INTO outbox\\b/i.test(sql ?? "");
const count = (sqls) => {
  const c = als.getStore();
  if (!c) return;
  c.statements += sqls.length;
  c.outboxInserts += sqls.filter(isOutbox).length;
  c.roundTrips += 1;
};
let wrappedEnv;
const envOf = (env) => (wrappedEnv ??= { ...env, DB: wrapDb(env.DB, { onQuery: count }) });
async function measured(route, ctx, run) {
  const counter = { statements: 0, outboxInserts: 0, roundTrips: 0, pending: [] };
  const innerCtx = { waitUntil: (p) => { counter.pending.push(p); ctx.waitUntil(p); }, passThroughOnException: () => ctx.passThroughOnException?.() };
  const result = await als.run(counter, () => run(innerCtx));
  const done = (async () => {
    for (let seen = -1; seen !== counter.pending.length; ) { seen = counter.pending.length; await Promise.allSettled(counter.pending); }
    console.log(JSON.stringify({ bench: "d1", route, statements: counter.statements, outboxInserts: counter.outboxInserts, roundTrips: counter.roundTrips }));
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

export interface D1Count {
  route: string;
  statements: number;
  /** of which outbox inserts: one per ~400 KB of messages, so they grow with what is sent */
  outboxInserts: number;
  roundTrips: number;
}

/** Waits for the count of the next invocation of `route` logged after index `from` of the worker's logs. */
export async function d1CountAfter(logs: Record<string, unknown>[], from: number, route: string, timeoutMs = 10_000): Promise<D1Count> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = logs.slice(from).find((entry) => entry.bench === "d1" && entry.route === route);
    if (line) return line as unknown as D1Count;
    if (Date.now() > deadline) throw new Error(`no D1 count logged for ${route}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
