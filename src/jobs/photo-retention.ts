import { deletePhotosStatement, expiredPhotos, unreferencedKeys } from "../db/photos.ts";
import { HELD_TTL_MS } from "../domain/photos.ts";
import type { Job } from "./types.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** rows per run (every 5 minutes): a bounded handful of statements and one R2 delete call */
const PER_RUN = 500;

/**
 * Photo retention: rows older than PHOTO_RETENTION_DAYS (and held or refused rows past a day) are deleted,
 * then the R2 originals no remaining row refers to (rows with the same bytes share one object).
 */
export const photoRetention: Job = {
  name: "photo-retention",
  async run(services) {
    const { d1, nowMs } = services;
    const expired = await expiredPhotos(d1, nowMs - services.config.PHOTO_RETENTION_DAYS * DAY_MS, nowMs - HELD_TTL_MS, PER_RUN);
    if (expired.length === 0) return "expired=0";
    await deletePhotosStatement(d1, expired.map((row) => row.id)).run();
    const orphans = await unreferencedKeys(d1, expired.map((row) => row.r2Key).filter((key): key is string => !!key));
    if (orphans.length && services.env.PHOTOS) await services.env.PHOTOS.delete(orphans);
    return `expired=${expired.length} objects_deleted=${orphans.length}`;
  },
};
