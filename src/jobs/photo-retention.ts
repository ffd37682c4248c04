import { claimDeletions, deletePhotosStatement, deletionsDoneStatement, expiredPhotos, markUnreferencedStatement } from "../db/photos.ts";
import { HELD_TTL_MS } from "../domain/photos.ts";
import type { Job } from "./types.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** rows per run (every 5 minutes): a bounded handful of statements and one R2 delete call */
const PER_RUN = 500;
/**
 * An unreferenced original is deleted this long after it was marked. A photo of the same bytes received meanwhile
 * removes the mark (and its row then refers to the object); one received while the sweep deletes uses its own key.
 * A receive stores its row within seconds of claiming its key, well inside this.
 */
export const DELETE_GRACE_MS = 60 * 60 * 1000;

/**
 * Photo retention: rows older than PHOTO_RETENTION_DAYS (and held or refused rows past a day) are deleted, and in
 * the same batch the R2 originals no remaining row refers to (rows with the same bytes share one object) are marked.
 * Marks older than DELETE_GRACE_MS still unreferenced are claimed, their objects deleted, then the marks.
 */
export const photoRetention: Job = {
  name: "photo-retention",
  async run(services) {
    const { d1, nowMs } = services;
    const expired = await expiredPhotos(d1, nowMs - services.config.PHOTO_RETENTION_DAYS * DAY_MS, nowMs - HELD_TTL_MS, PER_RUN);
    if (expired.length) {
      const keys = expired.map((row) => row.r2Key).filter((key): key is string => !!key);
      await d1.batch([deletePhotosStatement(d1, expired.map((row) => row.id)), markUnreferencedStatement(d1, keys, nowMs)]);
    }
    const bucket = services.env.PHOTOS;
    const claimed = bucket ? await claimDeletions(d1, nowMs - DELETE_GRACE_MS, nowMs, PER_RUN) : [];
    if (claimed.length) {
      await bucket!.delete(claimed);
      await deletionsDoneStatement(d1, claimed).run();
    }
    return `expired=${expired.length} objects_deleted=${claimed.length}`;
  },
};
