import { z } from "zod";
import { currentWeek, isValidWeek } from "../domain/time.ts";
import { DIGEST_ZONE_ACTION } from "../feishu/cards/digest-card.ts";
import type { CardAnswer } from "../feishu/payloads.ts";
import { sendZoneDigest } from "../usecases/digest-zone.ts";
import type { CardActionHandler } from "./types.ts";

const valueSchema = z.object({ week: z.string().max(10).refine(isValidWeek), zone: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/) });

/**
 * `digest_zone` ({ action, week, zone }): a zone button on the office digest card. A manager gets that zone's
 * digest in their direct chat; the group card stays as it is. Anyone else is refused and nothing is sent.
 */
export const digestZone: CardActionHandler = {
  name: DIGEST_ZONE_ACTION,
  policy: { acts: "zone", roles: ["manager", "admin"], reach: "scope" },
  roleRefusal: (t) => t.digest.managersOnly,
  async run(ctx): Promise<CardAnswer> {
    const { t, actor } = ctx;
    const error = (content: string): CardAnswer => ({ toast: { type: "error", content } });
    if (!actor) return error(t.common.cardStranger);
    const value = valueSchema.safeParse(ctx.value);
    if (!value.success || value.data.week >= currentWeek(ctx.nowMs, ctx.config.TIMEZONE)) return error(t.common.cardExpired);
    const { week, zone } = value.data;
    const result = await sendZoneDigest(ctx, { actor, t, week, zone, eventId: ctx.eventId });
    if (!result.ok) return error(result.reason === "unknown-zone" ? t.digest.unknownZone(zone) : t.offices.zoneOutOfScope(zone));
    return { toast: { type: "success", content: t.digest.zoneSent } };
  },
};
