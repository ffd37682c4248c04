/** One zone's weekly digest, on request from the office digest card's zone button: to the manager's direct chat. */
import type { Services } from "./services.ts";
import { loadDigest } from "../db/digest.ts";
import type { Actor } from "../db/people.ts";
import { buildDigest, digestWindow } from "../domain/digest.ts";
import { ESCALATION_DAYS } from "../domain/orders.ts";
import { mayActOn } from "../domain/policy.ts";
import type { IsoWeek } from "../domain/time.ts";
import { digestCard } from "../feishu/cards/digest-card.ts";
import type { Messages } from "../i18n/index.ts";

export type ZoneDigestResult = { ok: true } | { ok: false; reason: "unknown-zone" | "out-of-scope" };

/** The digest of `zone` for the (past) `week`, queued to the actor in `t` (their language), if the zone is within their office's scope. */
export async function sendZoneDigest(services: Services, input: { actor: Actor; t: Messages; week: IsoWeek; zone: string; eventId: string }): Promise<ZoneDigestResult> {
  const { actor, week } = input;
  // the same window as the Monday digest (jobs/weekly-digest.ts windowFor)
  const loaded = await loadDigest(services.d1, digestWindow(week, services.config.TIMEZONE, ESCALATION_DAYS));
  const zone = loaded.data.zones.find((z) => z.code === input.zone);
  if (!zone) return { ok: false, reason: "unknown-zone" };
  if (!mayActOn(actor, { zone: { level: zone.level, district: zone.district ?? "" } })) return { ok: false, reason: "out-of-scope" };
  services.uow.send({
    key: `digest-zone:${week}:${input.zone}:${actor.code}:${input.eventId}`,
    to: { openId: actor.openId },
    msgType: "interactive",
    content: digestCard(input.t, buildDigest(loaded.data, { kind: "zone", code: input.zone })),
  });
  return { ok: true };
}
