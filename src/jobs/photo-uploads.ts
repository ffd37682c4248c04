import { uploadPendingPhotos } from "../usecases/housekeeping.ts";
import type { Job } from "./types.ts";

/**
 * Photos are uploaded to Feishu when received; one whose upload failed then (or after a card callback, which
 * never uploads inside its answer) is uploaded here, so the next card shows it.
 */
export const photoUploads: Job = {
  name: "photo-uploads",
  async run(services) {
    const done = await uploadPendingPhotos(services);
    return `pending=${done.pending} uploaded=${done.uploaded}`;
  },
};
