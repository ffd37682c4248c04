/**
 * Photo evidence from a card: the sender's held photos attached to the report or order they chose (the
 * "where should these photos go" card), within the per-subject limit and without duplicates.
 */
import type { Services } from "./services.ts";
import type { Actor } from "../db/people.ts";
import { attachedSha256s, attachHeldStatements, heldPhotos, photosOf, type PhotoRow } from "../db/photos.ts";
import { HELD_TTL_MS, planAttach, type Subject } from "../domain/photos.ts";
import type { Card } from "../feishu/cards/kit.ts";
import { imageKeysFor, updateCardLater } from "../photos/images.ts";
import { loadPlace, mayAddPhotos, type Place } from "../photos/places.ts";

export type AttachResult =
  | {
      ok: true;
      place: Place;
      /** photos attached now, and those the subject had before */
      attached: number;
      existing: number;
      refusedLimit: number;
      refusedDuplicate: number;
      /** the subject's photos as they will be, and the image keys of those already uploaded (none is uploaded in a callback's answer) */
      shown: number;
      imageKeys: string[];
      /** once committed, when some photos were not uploaded yet: the card again with all of them, in a delayed update of the clicked card */
      updateLater: ((callbackToken: string | undefined, key: string, build: (imageKeys: string[]) => Card) => void) | null;
    }
  | { ok: false; reason: "expired" | "not-yours" | "nothing-held" }
  | { ok: false; reason: "order-finished"; orderNumber: string };

export async function attachHeldPhotos(services: Services, input: { actor: Actor; subject: Subject }): Promise<AttachResult> {
  const { actor, subject } = input;
  const { d1, nowMs } = services;
  const place = await loadPlace(d1, subject);
  if (!place) return { ok: false, reason: "expired" };
  const allowed = mayAddPhotos(actor, place);
  if (allowed === "not_yours") return { ok: false, reason: "not-yours" };
  if (allowed === "finished" && place.kind === "order") return { ok: false, reason: "order-finished", orderNumber: place.order.number };
  const held = await heldPhotos(d1, actor.code, nowMs - HELD_TTL_MS);
  if (held.length === 0) return { ok: false, reason: "nothing-held" };
  const existing = await attachedSha256s(d1, subject);
  const plan = planAttach(held, { count: existing.length, sha256s: existing });
  services.uow.write(...attachHeldStatements(d1, subject, plan, nowMs));
  const limit = plan.refused.filter((r) => r.refusal === "limit").length;
  const shown: PhotoRow[] = [...(await photosOf(d1, subject)), ...held.filter((photo) => plan.attach.includes(photo.id))];
  // No upload inside the answer (3 s): photos not uploaded yet follow, once the attach committed, in a delayed update of this card.
  const imageKeys = await imageKeysFor(services, shown, false);
  return {
    ok: true,
    place,
    attached: plan.attach.length,
    existing: existing.length,
    refusedLimit: limit,
    refusedDuplicate: plan.refused.length - limit,
    shown: shown.length,
    imageKeys,
    updateLater:
      imageKeys.length === shown.length
        ? null
        : (callbackToken, key, build) => updateCardLater(services, callbackToken, key, async () => build(await imageKeysFor(services, shown))),
  };
}
