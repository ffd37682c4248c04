/** `photo_attach`: a button of the "where should these photos go" card; the sender's held photos go to the report or order chosen (usecases/photos.ts). */
import { z } from "zod";
import { MAX_PHOTOS_PER_SUBJECT } from "../domain/photos.ts";
import { escapeMarkdown } from "../feishu/cards/kit.ts";
import { photosAddedCard } from "../feishu/cards/photo-block.ts";
import { placeName } from "../photos/places.ts";
import { attachHeldPhotos } from "../usecases/photos.ts";
import { cardId } from "./card-id.ts";
import { toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

const valueSchema = z.object({ kind: z.enum(["report", "order"]), id: cardId });

export const photoAttach: CardActionHandler = {
  name: "photo_attach",
  policy: { acts: "report", roles: "everyone", reach: "scope" },
  async run(ctx) {
    const { t } = ctx;
    if (!ctx.actor) return toast("error", t.common.cardStranger);
    const parsed = valueSchema.safeParse(ctx.value);
    if (!parsed.success) return toast("error", t.common.cardExpired);
    const result = await attachHeldPhotos(ctx, { actor: ctx.actor, subject: parsed.data });
    if (!result.ok) {
      if (result.reason === "expired") return toast("error", t.common.cardExpired);
      if (result.reason === "not-yours") return toast("error", t.photos.notYours);
      if (result.reason === "order-finished") return toast("warning", t.photos.orderFinished(result.orderNumber));
      return toast("info", t.photos.nothingHeld);
    }
    const name = placeName(t, result.place);
    const lines = [
      escapeMarkdown(result.attached ? t.photos.added(name, result.attached, result.existing + result.attached) : t.photos.noneAdded(name)),
      result.refusedLimit ? t.photos.refusedLimit(result.refusedLimit, MAX_PHOTOS_PER_SUBJECT) : "",
      result.refusedDuplicate ? t.photos.refusedDuplicate(result.refusedDuplicate) : "",
    ].filter(Boolean);
    const answer = {
      ...toast(result.attached ? "success" : "warning", t.photos.attachedToast(result.attached)),
      card: { type: "raw" as const, data: photosAddedCard(t, lines, result.imageKeys, result.shown) },
    };
    const { updateLater } = result;
    if (!updateLater) return answer;
    return {
      afterCommit: () => {
        updateLater(ctx.callbackToken, `photos:attach-card:${ctx.eventId}`, (imageKeys) => photosAddedCard(t, lines, imageKeys, result.shown));
        return answer;
      },
    };
  },
};
