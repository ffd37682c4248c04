import { app } from "./app.ts";
import { consumeOutbox } from "./delivery/consumer.ts";
import type { OutboxQueueMessage } from "./delivery/outbox.ts";
import { handBackToSweeper } from "./delivery/sweeper.ts";
import type { Bindings } from "./env.ts";
import { jobsByCron } from "./jobs/index.ts";
import { logger, newRequestId } from "./log.ts";
import { buildServices } from "./services.ts";

export default {
  fetch: app.fetch,

  async scheduled(controller, env, ctx) {
    const jobs = jobsByCron[controller.cron] ?? [];
    for (const job of jobs) {
      const ref = newRequestId();
      const started = Date.now();
      try {
        const services = buildServices(env, controller.scheduledTime, ref);
        const outcome = await job.run(services);
        await services.uow.commit();
        logger.info({ ref, route: `job:${job.name}`, cron: controller.cron, scheduled: controller.scheduledTime, outcome, ms: Date.now() - started });
      } catch (error) {
        logger.error({ ref, route: `job:${job.name}`, cron: controller.cron, outcome: "error", ms: Date.now() - started }, error);
      }
    }
    void ctx;
  },

  async queue(batch, env) {
    // wrangler.toml: the outbox queue's dead-letter queue (`duxue-outbox-dlq`) is consumed here too
    if (batch.queue.endsWith("-dlq")) await handBackToSweeper(batch, env, Date.now());
    else await consumeOutbox(batch, env);
  },
} satisfies ExportedHandler<Bindings, OutboxQueueMessage>;
