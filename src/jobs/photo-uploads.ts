import { photosWithoutImageKey } from "../db/photos.ts";
import { uploadPhoto } from "../photos/images.ts";
import type { Job } from "./types.ts";

/** a few uploads per run (every 5 minutes): each is a Feishu call of up to 10 MB */
const PER_RUN = 5;

/**
 * Photos are uploaded to Feishu when received; one whose upload failed then (or after a card callback, which
 * never uploads inside its answer) is uploaded here, so the next card shows it.
 */
export const photoUploads: Job = {
  name: "photo-uploads",
  async run(services) {
    const pending = await photosWithoutImageKey(services.d1, PER_RUN);
    let uploaded = 0;
    for (const photo of pending) if (await uploadPhoto(services, photo)) uploaded++;
    return `pending=${pending.length} uploaded=${uploaded}`;
  },
};
