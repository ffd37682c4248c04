import { describe, expect, it } from "vitest";
import { isTransientD1Error, withD1Retry } from "../../src/db/retry.ts";

describe("D1 error classes", () => {
  it("retries what Cloudflare's D1 error list marks transient", () => {
    for (const message of [
      "D1_ERROR: Network connection lost.",
      "D1_ERROR: Durable Object reset because its code was updated.",
      "D1_ERROR: internal error; reference = abc123",
      "D1_ERROR: Cannot resolve D1 DB due to transient issue on remote node.",
      "D1_ERROR: D1 DB is overloaded. Too many requests queued.",
      "D1_ERROR: D1 DB storage operation exceeded timeout which caused object to be reset.",
    ]) expect(isTransientD1Error(new Error(message)), message).toBe(true);
  });

  it("never retries a permanent error: a constraint, bad SQL, a lost claim", () => {
    for (const message of [
      "D1_ERROR: UNIQUE constraint failed: processed_events.key: SQLITE_CONSTRAINT",
      "D1_ERROR: no such table: inbox: SQLITE_ERROR",
      "D1_ERROR: near \"SELEC\": syntax error",
      "isolate died before its commit",
    ]) expect(isTransientD1Error(new Error(message)), message).toBe(false);
  });

  it("tries again after each transient failure, at most once per delay, and gives up with the last error", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    let calls = 0;
    const flaky = () => (++calls < 3 ? Promise.reject(new Error("D1_ERROR: Network connection lost.")) : Promise.resolve("ok"));
    expect(await withD1Retry(flaky, [10, 20, 40], sleep)).toBe("ok");
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);

    calls = 0;
    const down = () => (++calls, Promise.reject(new Error("D1_ERROR: Network connection lost.")));
    await expect(withD1Retry(down, [10, 20], sleep)).rejects.toThrow("Network connection lost");
    expect(calls).toBe(3);

    calls = 0;
    const permanent = () => (++calls, Promise.reject(new Error("UNIQUE constraint failed: processed_events.key")));
    await expect(withD1Retry(permanent, [10, 20], sleep)).rejects.toThrow("UNIQUE");
    expect(calls).toBe(1);
  });
});
