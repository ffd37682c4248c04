/** The five-minute housekeeping (jobs/housekeeping.ts): re-queue, forget old keys, expired cache entries and old delivered messages. */
import type { Services } from "./services.ts";
import { purgeExpiredCache } from "../db/cache.ts";
import { purgeDeliveries } from "../db/dedupe.ts";
import { claimDeletions, deletePhotosStatement, deletionsDoneStatement, expiredPhotos, markUnreferencedStatement, photosWithoutImageKey } from "../db/photos.ts";
import { purgeDeliveredOutbox } from "../delivery/retention.ts";
import { sweepOutbox } from "../delivery/sweeper.ts";
import { HELD_TTL_MS } from "../domain/photos.ts";
import { uploadPhoto } from "../photos/images.ts";

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

const DAY_MS = 24 * 60 * 60 * 1000;
/** rows per run (every 5 minutes): a bounded handful of statements and one R2 delete call */
const PHOTOS_PER_RUN = 500;
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
export async function expirePhotos(services: Services): Promise<{ expired: number; objectsDeleted: number }> {
  const { d1, nowMs } = services;
  const expired = await expiredPhotos(d1, nowMs - services.config.PHOTO_RETENTION_DAYS * DAY_MS, nowMs - HELD_TTL_MS, PHOTOS_PER_RUN);
  if (expired.length) {
    const keys = expired.map((row) => row.r2Key).filter((key): key is string => !!key);
    await d1.batch([deletePhotosStatement(d1, expired.map((row) => row.id)), markUnreferencedStatement(d1, keys, nowMs)]);
  }
  const bucket = services.env.PHOTOS;
  const claimed = bucket ? await claimDeletions(d1, nowMs - DELETE_GRACE_MS, nowMs, PHOTOS_PER_RUN) : [];
  if (claimed.length) {
    await bucket!.delete(claimed);
    await deletionsDoneStatement(d1, claimed).run();
  }
  return { expired: expired.length, objectsDeleted: claimed.length };
}

/** a few uploads per run (every 5 minutes): each is a Feishu call of up to 10 MB */
const UPLOADS_PER_RUN = 5;

/** Photos whose upload to Feishu failed when received (or after a card callback) are uploaded now, so the next card shows them. */
export async function uploadPendingPhotos(services: Services): Promise<{ pending: number; uploaded: number }> {
  const pending = await photosWithoutImageKey(services.d1, UPLOADS_PER_RUN);
  let uploaded = 0;
  for (const photo of pending) if (await uploadPhoto(services, photo)) uploaded++;
  return { pending: pending.length, uploaded };
}
