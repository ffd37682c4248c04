import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each integration file starts its own workerd. One file at a time: with two, CPU contention makes
    // Miniflare's synchronous proxy (TestWorker.query → d1.prepare) lose a reply now and then
    // (`assert(message?.id === id)` in its SynchronousFetcher), which fails a whole file's setup.
    maxWorkers: 1,
  },
});
