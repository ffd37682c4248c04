import { describe, expect, it } from "vitest";
import { D1_FACADE } from "../support/d1-facade.ts";
import { useWorker } from "../support/use-worker.ts";

/**
 * What one chat command costs in D1, statement by statement, counted at the binding by a wrapping entry module
 * (as test/support/d1-counter.ts, which the bench uses, but logging each call's statements): a `help` is the
 * inbox row before the 200 (one round trip, grouped with a burst's), one read batch (the redelivery check, the
 * sender and the sender's count of the minute), and one commit (the claim, the inbox row's deletion, the outbox
 * row, and the rate limiter's state for the fast send). Only delivery's own calls follow: the limiter's
 * compare-and-set (with a fresh read if another reservation came between) and the outcome's record.
 * A read that leaves the batch it belongs in, or a lookup made twice, fails here.
 */
const CALLS_ENTRY = `
import worker from "./index.js";
import { AsyncLocalStorage } from "node:async_hooks";
${D1_FACADE}
const als = new AsyncLocalStorage();
const count = (sqls) => { const c = als.getStore(); if (c) c.calls.push(sqls.map((s) => String(s ?? "").replace(/\\s+/g, " "))); };
let wrappedEnv;
const envOf = (env) => (wrappedEnv ??= { ...env, DB: wrapDb(env.DB, { onQuery: count }) });
async function measured(route, ctx, run) {
  const counter = { calls: [], pending: [] };
  const innerCtx = { waitUntil: (p) => { counter.pending.push(p); ctx.waitUntil(p); }, passThroughOnException: () => ctx.passThroughOnException?.() };
  const result = await als.run(counter, () => run(innerCtx));
  ctx.waitUntil((async () => {
    for (let seen = -1; seen !== counter.pending.length; ) { seen = counter.pending.length; await Promise.allSettled(counter.pending); }
    console.log(JSON.stringify({ d1calls: route, calls: counter.calls }));
  })());
  return result;
}
export default {
  fetch: (request, env, ctx) => measured(new URL(request.url).pathname, ctx, (c) => worker.fetch(request, envOf(env), c)),
  queue: (batch, env, ctx) => measured("queue", ctx, (c) => worker.queue(batch, envOf(env), c)),
  scheduled: (controller, env, ctx) => measured("cron", ctx, (c) => worker.scheduled(controller, envOf(env), c)),
};
`;

const worker = useWorker({ roster: true, wrapEntry: CALLS_ENTRY });

/** The D1 calls (each a statement or a batch's statements) of the first `route` invocation logged after `from`. */
async function callsAfter(from: number, route: string): Promise<string[][]> {
  for (let i = 0; i < 200; i++) {
    const line = worker.logs.slice(from).find((entry) => entry.d1calls === route);
    if (line) return line.calls as string[][];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no D1 calls logged for ${route}`);
}

/** the table a statement reads or writes first (for a SELECT, its first FROM) */
const tableOf = (sql: string) => /^\s*(?:select\b.*?\bfrom|insert\s+into|update|delete\s+from)\s+"?(\w+)"?/i.exec(sql)?.[1]?.toLowerCase();
const touches = (table: string) => (sql: string) => tableOf(sql) === table;
const isOutboxInsert = (sql: string) => /^\s*insert\s+into\s+"?outbox"?[\s(]/i.test(sql);
/** delivery's own statements: the rate limiter's rows and the outbox row's state */
const isDelivery = (sql: string) => touches("rate_counters")(sql) || (touches("outbox")(sql) && /^\s*update\b/i.test(sql));

/** Checks a chat command's calls: inbox row, one read batch of three, the commit; then delivery alone. */
function expectCommandCalls(calls: string[][]) {
  const shape = calls.map((call) => call.length);
  // the inbox row before the 200: its own round trip, one statement
  expect(calls[0], `calls: ${JSON.stringify(calls)}`).toHaveLength(1);
  expect(touches("inbox")(calls[0]![0]!)).toBe(true);
  // one read batch: the redelivery check, the sender, the sender's count of the minute
  expect(calls[1], `shape ${JSON.stringify(shape)}`).toHaveLength(3);
  expect(calls[1]!.filter(touches("processed_events"))).toHaveLength(1);
  expect(calls[1]!.filter(touches("people")).length).toBeGreaterThanOrEqual(1);
  expect(calls[1]!.filter(touches("rate_counters"))).toHaveLength(1);
  // the commit: claim, inbox row's deletion, the reply's outbox row (+ the limiter's state read for the fast send)
  const commit = calls[2]!;
  expect(commit.filter(isOutboxInsert)).toHaveLength(1);
  expect(commit.filter((sql) => !touches("rate_counters")(sql)), `commit: ${JSON.stringify(commit)}`).toHaveLength(3);
  expect(commit.filter(touches("processed_events"))).toHaveLength(1);
  expect(commit.filter(touches("inbox"))).toHaveLength(1);
  // the first three calls are the command's: 7 statements in 3 round trips (besides the limiter read)
  expect(calls[0]!.length + calls[1]!.length + commit.filter((sql) => !touches("rate_counters")(sql)).length).toBe(7);
  // after the commit only delivery: the reservation (a second read only if another came between) and the record
  const after = calls.slice(3);
  expect(after.flat().filter((sql) => !isDelivery(sql)), `after the commit: ${JSON.stringify(after)}`).toEqual([]);
  expect(after.length).toBeLessThanOrEqual(3);
}

describe("D1 per chat command", () => {
  it("a `help` in a direct chat: inbox row, one read batch, one commit; then only delivery", async () => {
    // the isolate's first send reads (and stores) the tenant token in D1: warmed up by someone else's message
    await worker.say("ou_sup_2", "help");
    const from = worker.logs.length;
    const { replies } = await worker.say("ou_sup_1", "帮助");
    expect(replies).toHaveLength(1);
    expectCommandCalls(await callsAfter(from, "/feishu/events"));
  });

  it("the same again from the same person: nothing read twice, nothing remembered costs more", async () => {
    const from = worker.logs.length;
    const { replies } = await worker.say("ou_sup_1", "help");
    expect(replies).toHaveLength(1);
    expectCommandCalls(await callsAfter(from, "/feishu/events"));
  });

  it("a command @-mentioning the bot in a group: the bot's open_id, once known, costs no D1 call", async () => {
    // the first group message may ask D1 (and Feishu) who the bot is; after that the isolate knows
    await worker.say("ou_mgr_1", "whoami", { chatType: "group" });
    const from = worker.logs.length;
    const { replies } = await worker.say("ou_sup_1", "help", { chatType: "group" });
    expect(replies).toHaveLength(1);
    expectCommandCalls(await callsAfter(from, "/feishu/events"));
  });

  it("a card click (a manager's retry with nothing to retry): three single reads, no more", async () => {
    const from = worker.logs.length;
    const { status, answer } = await worker.click("ou_mgr_1", { action: "outbox_retry", maxId: 1 });
    expect(status).toBe(200);
    expect(answer.toast?.type).not.toBe("error");
    const calls = await callsAfter(from, "/feishu/cards");
    // the clicker, the offices of their scope, the dead rows to retry
    expect(calls.flat(), JSON.stringify(calls)).toHaveLength(3);
    expect(calls.map((call) => tableOf(call[0]!))).toEqual(["people", "offices", "outbox"]);
  });
});
