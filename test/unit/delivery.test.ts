import { describe, expect, it } from "vitest";
import { backoffMs, classifyFailure, recipientOf } from "../../src/delivery/consumer.ts";
import { ANSWER_MAX_AGE_MS, CARD_UPDATE_MAX_AGE_MS, deathCause, DEDUPE_WINDOW_MS, maxAgeMs, SCHEDULED_MAX_AGE_MS } from "../../src/delivery/give-up.ts";
import { APP_SPACING_MS, BURST_SIZE, MINUTE_BUDGET, planSlots, RECIPIENT_SPACING_MS, SECOND_BUDGET, type LimiterState } from "../../src/delivery/rate-limit.ts";
import { FeishuApiError } from "../../src/feishu/client.ts";

const fresh = (): LimiterState => ({ appTat: 0, buckets: new Map(), recipients: new Map() });
const T0 = 1_767_225_600_000; // a whole second

/** The most sends within any window of `windowMs` ending at a send (sliding window, as Feishu counts). */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe("rate limiter planning", () => {
  it("paces one app under 50 per second and sends a small fan-out at full speed", () => {
    const slots = planSlots(fresh(), Array.from({ length: 349 }, (_, i) => `ou_${i}`), T0, 600_000);
    expect(slots).toHaveLength(349);
    const times = slots.map((slot) => slot.at);
    expect(maxInWindow(times, 1000)).toBeLessThan(50);
    // 349 fit in one minute's budget: no waiting for the minute window
    expect(times.at(-1)! - T0).toBeLessThan(349 * (APP_SPACING_MS + 1));
  });

  it("never exceeds the 1,000-per-minute sliding window for a provincial fan-out", () => {
    const slots = planSlots(fresh(), Array.from({ length: 5_600 }, (_, i) => `ou_${i}`), T0, 3_600_000);
    expect(slots).toHaveLength(5_600);
    const times = slots.map((slot) => slot.at);
    expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(MINUTE_BUDGET);
    expect(maxInWindow(times, 1000)).toBeLessThan(50);
    // and is not much slower than Feishu allows (1,000 per 60 s in bursts of 50/s: ~312 s)
    expect((times.at(-1)! - T0) / 1000).toBeLessThan(312 * 1.1);
  });

  it("keeps one recipient under 5 per second, across invocations sharing the state", () => {
    const state = fresh();
    const first = planSlots(state, ["oc_group", "oc_group", "oc_group"], T0, 60_000);
    const second = planSlots(state, ["oc_group", "oc_group", "oc_group", "oc_group"], T0 + 5, 60_000);
    const times = [...first, ...second].map((slot) => slot.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(RECIPIENT_SPACING_MS);
  });

  it("continues after the previous invocation's slots instead of starting a new burst", () => {
    const state = fresh();
    const first = planSlots(state, Array.from({ length: 40 }, (_, i) => `a${i}`), T0, 60_000);
    const second = planSlots(state, Array.from({ length: 40 }, (_, i) => `b${i}`), T0 + 100, 60_000);
    expect(second[0]!.at).toBeGreaterThanOrEqual(first.at(-1)!.at + APP_SPACING_MS - 1);
    expect(maxInWindow([...first, ...second].map((slot) => slot.at), 1000)).toBeLessThan(50);
  });

  it("answers ten people who ask at the same moment together, then paces what follows", () => {
    const state = fresh();
    const burst = planSlots(state, Array.from({ length: BURST_SIZE }, (_, i) => `oc_p2p_${i}`), T0, 1_500);
    expect(burst.map((slot) => slot.at)).toEqual(Array.from({ length: BURST_SIZE }, () => T0));
    const next = planSlots(state, ["oc_p2p_late"], T0 + 1, 1_500);
    expect(next[0]!.at).toBeGreaterThanOrEqual(T0 + APP_SPACING_MS - 1);
  });

  it("keeps bursts and steady sending together under Feishu's 50 in any second", () => {
    const state = fresh();
    // bursts of ten every 150 ms for ten seconds, from several invocations sharing the state
    const times: number[] = [];
    for (let k = 0; k < 66; k++) times.push(...planSlots(state, Array.from({ length: 10 }, (_, i) => `ou_${k}_${i}`), T0 + k * 150, 60_000).map((slot) => slot.at));
    expect(times).toHaveLength(660);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(SECOND_BUDGET);
    // and still near Feishu's rate: 660 at 50/s would take 13.2 s
    expect((Math.max(...times) - T0) / 1000).toBeLessThan(13.2 * 1.15);
  });

  it("stops planning at the first message that would wait longer than allowed (deferred to the queue)", () => {
    const state = fresh();
    for (let s = 0; s < 30; s++) state.buckets.set(Math.floor(T0 / 1000) - s, 33); // 990 sent in the last 30 s
    const slots = planSlots(state, ["ou_1", "ou_2"], T0, 5_000);
    expect(slots).toEqual([]);
    const later = planSlots(state, ["ou_1"], T0, 60_000);
    expect(later[0]!.at).toBeGreaterThanOrEqual(T0 + 31_000 - 1000);
  });
});

describe("retry policy", () => {
  const rateLimited = new FeishuApiError(429, 99991400, "feishu 429 code 99991400", 7_000);
  const serverError = new FeishuApiError(500, 1, "feishu 500");
  const badRequest = new FeishuApiError(400, 230001, "invalid receive_id");

  it("retries a 5xx at once, then backs off exponentially; waits exactly as long as x-ogw-ratelimit-reset asks", () => {
    const half = () => 0.5;
    expect(backoffMs(1, serverError, 2_000, half)).toBe(0);
    expect(backoffMs(2, serverError, 2_000, half)).toBe(1_500);
    expect(backoffMs(4, serverError, 2_000, half)).toBe(6_000);
    expect(backoffMs(20, serverError, 2_000, () => 1)).toBe(10 * 60 * 1000);
    // only a run of server errors backs off: after three 429s, a 5xx is retried at once; after a 5xx, it waits
    expect(backoffMs(4, serverError, 2_000, half, "feishu 429 code 99991400: request trigger frequency limit")).toBe(0);
    expect(backoffMs(4, serverError, 2_000, half, "feishu 502 code 1: bad gateway")).toBe(6_000);
    expect(backoffMs(4, serverError, 2_000, half, "network: The operation was aborted due to timeout")).toBe(6_000);
    // Feishu's reset, no more and no less, whatever the attempt
    expect(backoffMs(1, rateLimited, 2_000, half)).toBe(7_000);
    expect(backoffMs(5, rateLimited, 2_000, () => 1)).toBe(7_000);
    // no reset header (e.g. 230020, the per-chat limit): the per-second window
    expect(backoffMs(3, new FeishuApiError(400, 230020, "too fast"), 2_000, half)).toBe(1_000);
    // an expired token: at once (the client already fetched a new one)
    expect(backoffMs(3, new FeishuApiError(400, 99991663, "invalid token"), 2_000, half)).toBe(0);
  });

  it("retries 429 / 99991400 / 230020 / 5xx / network errors, gives up on other refusals at once", () => {
    for (const error of [rateLimited, serverError, new FeishuApiError(400, 230020, "too fast"), new FeishuApiError(0, undefined, "network")]) {
      expect(classifyFailure(error, 1, 100).kind).toBe("failed");
    }
    expect(classifyFailure(badRequest, 1, 100).kind).toBe("dead");
    const unavailable = new FeishuApiError(400, 230013, "feishu 400 code 230013: Bot has NO availability to this user.");
    const outcome = classifyFailure(unavailable, 1, 100, Math.random, null, { nowMs: T0, giveUpAt: T0 + 3_600_000, maybeSentAt: null });
    expect(outcome.kind).toBe("dead");
    expect(deathCause(outcome.kind === "dead" ? outcome.reason : null)).toBe("unavailable");
  });

  it("gives up by age, not by count: a 5xx on the 50th attempt is retried; past the deadline it is the end", () => {
    const limits = { nowMs: T0, giveUpAt: T0 + ANSWER_MAX_AGE_MS, maybeSentAt: null };
    expect(classifyFailure(serverError, 50, 1_000, () => 1, "feishu 500", limits)).toMatchObject({ kind: "failed", delayMs: 10 * 60 * 1000 });
    // the last wait ends just before the deadline, so one more attempt is made
    const late = classifyFailure(serverError, 50, 1_000, () => 1, "feishu 500", { ...limits, nowMs: limits.giveUpAt - 5 * 60 * 1000 });
    expect(late.kind).toBe("failed");
    expect(late.kind === "failed" && late.delayMs).toBeLessThan(5 * 60 * 1000);
    const dead = classifyFailure(serverError, 51, 1_000, () => 1, "feishu 500", { ...limits, nowMs: limits.giveUpAt });
    expect(dead.kind === "dead" && deathCause(dead.reason)).toBe("expired");
    // answers live 2 hours, everything else a day
    expect(maxAgeMs({ operation: "reply" })).toBe(ANSWER_MAX_AGE_MS);
    expect(maxAgeMs({ operation: "send", ref: "reply:om_1:0" })).toBe(ANSWER_MAX_AGE_MS);
    expect(maxAgeMs({ operation: "send", ref: "plan:2026-W48:S001" })).toBe(SCHEDULED_MAX_AGE_MS);
    // a delayed card update lives as long as its callback's token (30 minutes from the click), not 2 hours
    expect(maxAgeMs({ operation: "card_update", ref: "photos:attach-card:ev_1" })).toBe(CARD_UPDATE_MAX_AGE_MS);
    expect(CARD_UPDATE_MAX_AGE_MS).toBeLessThan(30 * 60 * 1000);
  });

  it("does not resend an attempt that may have arrived once Feishu's one-hour uuid window is over", () => {
    const timeout = new FeishuApiError(0, undefined, "network: The operation was aborted due to timeout");
    const limits = { nowMs: T0, giveUpAt: T0 + SCHEDULED_MAX_AGE_MS, maybeSentAt: null };
    // the first ambiguous attempt starts the window; a refused connection (nothing sent) does not
    expect(classifyFailure(timeout, 1, 1_000, () => 1, null, limits)).toMatchObject({ kind: "failed", maybeSentAt: T0 });
    expect(classifyFailure(new FeishuApiError(0, undefined, "network: connect ECONNREFUSED 127.0.0.1:1"), 1, 1_000, () => 1, null, limits)).toMatchObject({ kind: "failed", maybeSentAt: null });
    expect(classifyFailure(serverError, 1, 1_000, () => 1, null, limits)).toMatchObject({ kind: "failed", maybeSentAt: null });
    // within the window, waits never cross its end
    const near = classifyFailure(serverError, 20, 1_000, () => 1, "feishu 500", { ...limits, maybeSentAt: T0 - DEDUPE_WINDOW_MS + 120_000 });
    expect(near.kind === "failed" && near.delayMs).toBeLessThan(120_000);
    const over = classifyFailure(serverError, 20, 1_000, () => 1, "feishu 500", { ...limits, maybeSentAt: T0 - DEDUPE_WINDOW_MS });
    expect(over.kind === "dead" && deathCause(over.reason)).toBe("unsure");
  });

  it("names why a dead row died, and revives only the transient causes", () => {
    expect(deathCause("feishu 500 code 1: internal error")).toBe("retryable");
    expect(deathCause("network: Network connection lost.")).toBe("retryable");
    expect(deathCause("feishu 429 code 99991400: request trigger frequency limit")).toBe("retryable");
    expect(deathCause("feishu 400 code 230001: invalid receive_id")).toBe("rejected");
    expect(deathCause("feishu 400 code 99991672: Access denied")).toBe("rejected");
    expect(deathCause("expired: feishu 500 code 1: internal error")).toBe("expired");
    expect(deathCause("unsure: network: The operation was aborted due to timeout")).toBe("unsure");
  });

  it("counts a reply against its chat, a send against its user or chat, a card update against its message", () => {
    expect(recipientOf({ operation: "send", receive_id: "ou_1", target_message_id: null })).toBe("ou_1");
    expect(recipientOf({ operation: "send", receive_id: "oc_group", target_message_id: null })).toBe("oc_group");
    expect(recipientOf({ operation: "reply", receive_id: "oc_group", target_message_id: "om_1" })).toBe("oc_group");
    // a reply row written before replies recorded their chat
    expect(recipientOf({ operation: "reply", receive_id: null, target_message_id: "om_1" })).toBe("om_1");
    expect(recipientOf({ operation: "update", receive_id: null, target_message_id: "om_2" })).toBe("message:om_2");
  });
});
