/** The five-minute housekeeping (jobs/housekeeping.ts): re-queue, forget old keys, expired cache entries and old delivered messages. */
import type { Services } from "../commands/types.ts";
import { purgeExpiredCache } from "../db/cache.ts";
import { purgeDeliveries } from "../db/dedupe.ts";
import { purgeDeliveredOutbox } from "../delivery/retention.ts";
import { sweepOutbox } from "../delivery/sweeper.ts";

export interface HousekeepingResult {
  requeued: number;
  gaveUp: number;
  revived: number;
  purged: number;
  outboxExpired: number;
}

export async function keepHouse(services: Services): Promise<HousekeepingResult> {
  const swept = await sweepOutbox(services.env, services.nowMs);
  const purged = await purgeDeliveries(services.d1, services.nowMs);
  await purgeExpiredCache(services.d1, services.nowMs);
  const outboxExpired = await purgeDeliveredOutbox(services.d1, services.nowMs);
  return { requeued: swept.requeued, gaveUp: swept.expired + swept.unsure, revived: swept.revived, purged, outboxExpired };
}
