import { resolvePendingOpenIds } from "../usecases/identity.ts";
import type { Job } from "./types.ts";

const BATCH = 200;

/**
 * People imported without an open_id (e.g. with `npm run roster`) are looked
 * up by mobile or email, a batch per run; misses are remembered for a day.
 */
export const resolveOpenIds: Job = {
  name: "resolve_open_ids",
  async run(services) {
    const done = await resolvePendingOpenIds(services, BATCH);
    if (!done.ok) return "lookup_failed";
    if (done.pending === 0) return "nothing_to_resolve";
    return `resolved=${done.resolved} missed=${done.missed}`;
  },
};
