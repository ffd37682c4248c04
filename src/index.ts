import { app } from "./app.ts";
import { consumeOutbox } from "./delivery/consumer.ts";
import type { OutboxQueueMessage } from "./delivery/outbox.ts";
import { handBackToSweeper } from "./delivery/sweeper.ts";
import type { Bindings } from "./env.ts";
import { runScheduled } from "./jobs/runner.ts";

export default {
  fetch: app.fetch,

  async scheduled(controller, env, ctx) {
    await runScheduled(env, controller.cron, controller.scheduledTime);
    void ctx;
  },

  async queue(batch, env) {
    // wrangler.toml: the outbox queue's dead-letter queue (`duxue-outbox-dlq`) is consumed here too
    if (batch.queue.endsWith("-dlq")) await handBackToSweeper(batch, env, Date.now());
    else await consumeOutbox(batch, env);
  },
} satisfies ExportedHandler<Bindings, OutboxQueueMessage>;
