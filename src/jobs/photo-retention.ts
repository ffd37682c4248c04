import { expirePhotos } from "../usecases/housekeeping.ts";
import type { Job } from "./types.ts";

/** Photo retention, every 5 minutes: old rows deleted, unreferenced originals marked, then deleted after a grace (usecases/housekeeping.ts). */
export const photoRetention: Job = {
  name: "photo-retention",
  async run(services) {
    const done = await expirePhotos(services);
    return `expired=${done.expired} objects_deleted=${done.objectsDeleted}`;
  },
};
