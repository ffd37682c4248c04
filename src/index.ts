import { app } from "./app.ts";
import { consumeOutbox } from "./delivery/consumer.ts";
import type { OutboxQueueMessage } from "./delivery/outbox.ts";
import { handBackToSweeper } from "./delivery/sweeper.ts";
import { retryingD1 } from "./db/retry.ts";
import type { Bindings } from "./env.ts";
import { runScheduled } from "./jobs/runner.ts";

/**
 * The bindings every path sees: D1 with its transient errors retried (db/retry.ts). One wrapper per bindings
 * object, so what is cached per binding (the config, drizzle, the SDK client) is built once per isolate.
 */
const resilient = new WeakMap<Bindings, Bindings>();
function withRetries(env: Bindings): Bindings {
  let wrapped = resilient.get(env);
  if (!wrapped) resilient.set(env, (wrapped = { ...env, DB: retryingD1(env.DB) }));
  return wrapped;
}

export default {
  fetch: (request, env, ctx) => app.fetch(request, withRetries(env), ctx),

  async scheduled(controller, rawEnv, ctx) {
    await runScheduled(withRetries(rawEnv), controller.cron, controller.scheduledTime);
    void ctx;
  },

  async queue(batch, env) {
    // wrangler.toml: the outbox queue's dead-letter queue (`duxue-outbox-dlq`) is consumed here too
    if (batch.queue.endsWith("-dlq")) await handBackToSweeper(batch, withRetries(env), Date.now());
    else await consumeOutbox(batch, withRetries(env));
  },
} satisfies ExportedHandler<Bindings, OutboxQueueMessage>;
