import { purgeDeliveries } from "../db/dedupe.ts";
import { purgeDeliveredOutbox } from "../delivery/retention.ts";
import { sweepOutbox } from "../delivery/sweeper.ts";
import type { Job } from "./types.ts";

/** Every 5 minutes: re-queue undelivered messages, forget old delivery keys, expired cache entries and delivered messages past 30 days. */
export const housekeeping: Job = {
  name: "housekeeping",
  async run(services) {
    const swept = await sweepOutbox(services.env, services.nowMs);
    const purged = await purgeDeliveries(services.d1, services.nowMs);
    await services.d1.prepare("DELETE FROM cache_entries WHERE expires_at < ?").bind(services.nowMs).run();
    const expired = await purgeDeliveredOutbox(services.d1, services.nowMs);
    return `requeued=${swept.requeued} gave_up=${swept.expired + swept.unsure} revived=${swept.revived} purged=${purged} outbox_expired=${expired}`;
  },
};
