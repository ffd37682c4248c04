/**
 * Images for cards: a photo is uploaded to Feishu (im/v1/images) once, from its
 * R2 original, and its image_key cached on the row; cards only read the keys.
 */
import type { Services } from "../commands/types.ts";
import { photosOf, setImageKeyStatement, type PhotoRow } from "../db/photos.ts";
import type { Subject } from "../domain/photos.ts";
import { logger } from "../log.ts";

export interface CardImages {
  imageKeys: string[];
  total: number;
}

/** Image keys of these photos, uploading (and caching) those that have none yet; a photo that fails is left out. */
export async function imageKeysFor(services: Services, photos: readonly Pick<PhotoRow, "id" | "imageKey" | "r2Key" | "contentType">[]): Promise<string[]> {
  const keys: string[] = [];
  for (const photo of photos) {
    if (photo.imageKey) {
      keys.push(photo.imageKey);
      continue;
    }
    try {
      const object = photo.r2Key ? await services.env.PHOTOS?.get(photo.r2Key) : null;
      if (!object) continue;
      const imageKey = await services.feishu().uploadImage(await object.arrayBuffer(), photo.contentType);
      await setImageKeyStatement(services.d1, photo.id, imageKey).run();
      (photo as { imageKey: string | null }).imageKey = imageKey;
      keys.push(imageKey);
    } catch (error) {
      logger.error({ ref: services.ref, route: "photo_upload", outcome: "upload_failed", photo: photo.id }, error);
    }
  }
  return keys;
}

/** What a card shows of a report's or order's photos. */
export async function cardImagesOf(services: Services, subject: Subject): Promise<CardImages> {
  const photos = await photosOf(services.d1, subject);
  return { imageKeys: await imageKeysFor(services, photos), total: photos.length };
}
