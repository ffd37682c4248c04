import { z } from "zod";
import { loadDigest } from "../db/digest.ts";
import { buildDigest } from "../domain/digest.ts";
import { mayActOn } from "../domain/policy.ts";
import { currentWeek, isValidWeek } from "../domain/time.ts";
import { DIGEST_ZONE_ACTION, digestCard } from "../feishu/cards/digest-card.ts";
import type { CardAnswer } from "../feishu/payloads.ts";
import { windowFor } from "../jobs/weekly-digest.ts";
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
    const loaded = await loadDigest(ctx.d1, windowFor(ctx, value.data.week));
    const zone = loaded.data.zones.find((z) => z.code === value.data.zone);
    if (!zone) return error(t.digest.unknownZone(value.data.zone));
    if (!mayActOn(actor, { zone: { level: zone.level, district: zone.district ?? "" } })) return error(t.offices.zoneOutOfScope(zone.code));
    ctx.uow.send({
      key: `digest-zone:${value.data.week}:${value.data.zone}:${actor.code}:${ctx.eventId}`,
      to: { openId: actor.openId },
      msgType: "interactive",
      content: digestCard(t, buildDigest(loaded.data, { kind: "zone", code: value.data.zone })),
    });
    return { toast: { type: "success", content: t.digest.zoneSent } };
  },
};
