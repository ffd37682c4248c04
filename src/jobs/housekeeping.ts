import { purgeDeliveries } from "../db/dedupe.ts";
import { sweepOutbox } from "../delivery/sweeper.ts";
import type { Job } from "./types.ts";

/** Every 5 minutes: re-queue undelivered messages, forget old delivery keys and expired cache entries. */
export const housekeeping: Job = {
  name: "housekeeping",
  async run(services) {
    const requeued = await sweepOutbox(services.env, services.nowMs);
    const purged = await purgeDeliveries(services.d1, services.nowMs);
    await services.d1.prepare("DELETE FROM cache_entries WHERE expires_at < ?").bind(services.nowMs).run();
    return `requeued=${requeued} purged=${purged}`;
  },
};
