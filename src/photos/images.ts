/**
 * Images for cards: a photo is uploaded to Feishu (im/v1/images) once, from its
 * R2 original, and its image_key cached on the row; cards only read the keys.
 *
 * A card callback must answer within 3 s (feishu.md), so its answer never uploads: it shows the photos
 * already uploaded (normally all: each is uploaded when it is received), and `updateCardLater` uploads the
 * rest after the answer and replaces the clicked card (delayed update by the callback's token, through the
 * outbox). A photo whose upload still fails keeps its row without a key: the 5-minute job uploads it
 * (jobs/photo-uploads.ts) and the next card shows it.
 */
import type { Services } from "../commands/types.ts";
import { photosOf, setImageKeyStatement, type PhotoRow } from "../db/photos.ts";
import type { Subject } from "../domain/photos.ts";
import type { Card } from "../feishu/cards/kit.ts";
import { logger } from "../log.ts";

export interface CardImages {
  imageKeys: string[];
  total: number;
  /** shown photos not uploaded yet (only when asked not to upload) */
  pending: number;
}

type ShownPhoto = Pick<PhotoRow, "id" | "imageKey" | "r2Key" | "contentType">;

/** Uploads one photo from its R2 original and caches its key on the row; null if it cannot. */
export async function uploadPhoto(services: Services, photo: ShownPhoto): Promise<string | null> {
  try {
    const object = photo.r2Key ? await services.env.PHOTOS?.get(photo.r2Key) : null;
    if (!object) return null;
    const imageKey = await services.feishu().uploadImage(await object.arrayBuffer(), photo.contentType);
    await setImageKeyStatement(services.d1, photo.id, imageKey).run();
    (photo as { imageKey: string | null }).imageKey = imageKey;
    return imageKey;
  } catch (error) {
    logger.error({ ref: services.ref, route: "photo_upload", outcome: "upload_failed", photo: photo.id }, error);
    return null;
  }
}

/**
 * Image keys of these photos. With `upload` (the default; never in a card callback's answer) those without one
 * are uploaded now (and cached); a photo that fails is left out.
 */
export async function imageKeysFor(services: Services, photos: readonly ShownPhoto[], upload = true): Promise<string[]> {
  const keys: string[] = [];
  for (const photo of photos) {
    const key = photo.imageKey ?? (upload ? await uploadPhoto(services, photo) : null);
    if (key) keys.push(key);
  }
  return keys;
}

/** After a card callback's answer: the card again (`rebuild`, which uploads) replaces the clicked one. */
export interface LaterUpdate {
  callbackToken?: string | undefined;
  key: string;
  rebuild: () => Promise<Card | null>;
}

/**
 * What a card shows of a report's or order's photos. `upload` false, or a later update (a card callback's answer):
 * only those already uploaded; with a later update, the others follow in it when there are any.
 */
export async function cardImagesOf(services: Services, subject: Subject, upload: boolean | LaterUpdate = true): Promise<CardImages> {
  const photos = await photosOf(services.d1, subject);
  const imageKeys = await imageKeysFor(services, photos, upload === true);
  const pending = photos.length - imageKeys.length;
  if (pending && typeof upload === "object") updateCardLater(services, upload.callbackToken, upload.key, upload.rebuild);
  return { imageKeys, total: photos.length, pending };
}

/**
 * After a card callback has answered: `rebuild` (which may upload) makes the card again, and it replaces the
 * clicked card by a delayed update (the callback token lasts 30 minutes). Runs in the invocation's waitUntil;
 * without one (or without a token) nothing is deferred and the next card shows the photos.
 */
export function updateCardLater(services: Services, callbackToken: string | undefined, key: string, rebuild: () => Promise<Card | null>): void {
  if (!services.waitUntil || !callbackToken) return;
  const task = async () => {
    const content = await rebuild();
    if (!content) return;
    const uow = services.uow.fresh();
    uow.send({ key, to: { callbackToken }, msgType: "interactive", content });
    await uow.commit();
  };
  services.waitUntil(task().catch((error: unknown) => logger.error({ ref: services.ref, route: "photo_card_update", outcome: "error" }, error)));
}
