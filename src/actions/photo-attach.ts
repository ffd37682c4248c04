/** `photo_attach`: a button of the "where should these photos go" card; the sender's held photos go to the report or order chosen. */
import { z } from "zod";
import { attachedSha256s, attachHeldStatements, heldPhotos, photosOf } from "../db/photos.ts";
import { HELD_TTL_MS, MAX_PHOTOS_PER_SUBJECT, planAttach } from "../domain/photos.ts";
import { escapeMarkdown } from "../feishu/cards/kit.ts";
import { photosAddedCard } from "../feishu/cards/photo-block.ts";
import { imageKeysFor, updateCardLater } from "../photos/images.ts";
import { loadPlace, mayAddPhotos, placeName } from "../photos/places.ts";
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
    const subject = parsed.data;
    const place = await loadPlace(ctx.d1, subject);
    if (!place) return toast("error", t.common.cardExpired);
    const allowed = mayAddPhotos(ctx.actor, place);
    if (allowed === "not_yours") return toast("error", t.photos.notYours);
    if (allowed === "finished" && place.kind === "order") return toast("warning", t.photos.orderFinished(place.order.number));
    const held = await heldPhotos(ctx.d1, ctx.actor.code, ctx.nowMs - HELD_TTL_MS);
    if (held.length === 0) return toast("info", t.photos.nothingHeld);
    const existing = await attachedSha256s(ctx.d1, subject);
    const plan = planAttach(held, { count: existing.length, sha256s: existing });
    ctx.uow.write(...attachHeldStatements(ctx.d1, subject, plan, ctx.nowMs));
    const name = placeName(t, place);
    const limit = plan.refused.filter((r) => r.refusal === "limit").length;
    const duplicate = plan.refused.length - limit;
    const lines = [
      escapeMarkdown(plan.attach.length ? t.photos.added(name, plan.attach.length, existing.length + plan.attach.length) : t.photos.noneAdded(name)),
      limit ? t.photos.refusedLimit(limit, MAX_PHOTOS_PER_SUBJECT) : "",
      duplicate ? t.photos.refusedDuplicate(duplicate) : "",
    ].filter(Boolean);
    const shown = [...(await photosOf(ctx.d1, subject)), ...held.filter((photo) => plan.attach.includes(photo.id))];
    // No upload inside the answer (3 s): photos not uploaded yet follow, once the attach committed, in a delayed update of this card.
    const imageKeys = await imageKeysFor(ctx, shown, false);
    const answer = {
      ...toast(plan.attach.length ? "success" : "warning", t.photos.attachedToast(plan.attach.length)),
      card: { type: "raw" as const, data: photosAddedCard(t, lines, imageKeys, shown.length) },
    };
    if (imageKeys.length === shown.length) return answer;
    return {
      afterCommit: () => {
        updateCardLater(ctx, ctx.callbackToken, `photos:attach-card:${ctx.eventId}`, async () => photosAddedCard(t, lines, await imageKeysFor(ctx, shown), shown.length));
        return answer;
      },
    };
  },
};
