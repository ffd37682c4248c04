/** Monday's marking of last week's still-planned visits as missed (jobs/mark-missed.ts). */
import type { Services } from "./services.ts";
import { markMissesMarkedStatement } from "../db/plan-runs.ts";
import { countPlannedUpTo, markMissedStatement } from "../db/reports.ts";

/** Every visit of `lastWeek` or earlier still planned becomes missed (one statement); returns how many. */
export async function markMissedVisits(services: Services, lastWeek: string): Promise<{ missed: number }> {
  const missed = await countPlannedUpTo(services.d1, lastWeek);
  services.uow.write(markMissedStatement(services.d1, lastWeek, services.nowMs));
  services.uow.write(markMissesMarkedStatement(services.d1, lastWeek, services.nowMs));
  return { missed };
}
