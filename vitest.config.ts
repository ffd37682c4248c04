import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import LongestFirst from "./test/support/sequencer.ts";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // bundles the Worker once for the run (test/support/build.ts); every file then starts its own workerd from it
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files in parallel, one per core: each has its own Miniflare (in-memory D1 and R2, ports chosen by the system)
    // and its own fake Feishu on a free port, and the test side reaches storage only through the async harness
    // worker (test/support/harness.ts), never Miniflare's synchronous proxy that lost replies under contention.
    maxWorkers: Math.max(1, availableParallelism()),
    // the longest files first, also on a fresh clone (no cache of durations): test/support/sequencer.ts
    sequence: { sequencer: LongestFirst },
  },
});
