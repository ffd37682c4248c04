import { app } from "./app.ts";
import { consumeOutbox } from "./delivery/consumer.ts";
import type { OutboxQueueMessage } from "./delivery/outbox.ts";
import { retryingD1 } from "./db/retry.ts";
import type { Bindings } from "./env.ts";
import { jobsByCron } from "./jobs/index.ts";
import { logger, newRequestId } from "./log.ts";
import { buildServices } from "./services.ts";

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
    const env = withRetries(rawEnv);
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
    await consumeOutbox(batch, withRetries(env));
  },
} satisfies ExportedHandler<Bindings, OutboxQueueMessage>;
