import type { Services } from "../commands/types.ts";

/** A cron job: `services.nowMs` is the scheduled event's time, so a test can run any week. */
export interface Job {
  name: string;
  run(services: Services): Promise<string>;
}
