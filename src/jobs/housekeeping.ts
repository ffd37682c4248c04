import { keepHouse } from "../usecases/housekeeping.ts";
import type { Job } from "./types.ts";

/** Every 5 minutes: re-queue undelivered messages, forget old delivery keys, expired cache entries and delivered messages past 30 days. */
export const housekeeping: Job = {
  name: "housekeeping",
  async run(services) {
    const done = await keepHouse(services);
    return `requeued=${done.requeued} gave_up=${done.gaveUp} revived=${done.revived} purged=${done.purged} outbox_expired=${done.outboxExpired}`;
  },
};
