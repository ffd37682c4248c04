/** A finished week's digest on request (`digest`): the office's (or the manager's office's) or one zone's. Nothing is written. */
import { loadDigest } from "../db/digest.ts";
import { loadOffices } from "../db/offices.ts";
import type { Actor } from "../db/people.ts";
import { buildDigest, buildOfficeDigest, digestWindow } from "../domain/digest.ts";
import { ESCALATION_DAYS } from "../domain/orders.ts";
import { mayActOn } from "../domain/policy.ts";
import { addWeeks, currentWeek, type IsoWeek } from "../domain/time.ts";
import type { Services } from "./services.ts";

export type DigestResult =
  | { ok: true; digest: ReturnType<typeof buildDigest> }
  | { ok: false; reason: "not-over"; week: IsoWeek }
  | { ok: false; reason: "unknown-zone"; zone: string }
  | { ok: false; reason: "zone-out-of-scope"; zoneCode: string };

/** The digest of `week` (last week when null) for `actor`: the zone named, else their office's, else the whole office's. */
export async function digestOnRequest(services: Pick<Services, "d1" | "db" | "nowMs" | "config">, actor: Actor, input: { week: IsoWeek | null; zone: string | null }): Promise<DigestResult> {
  const tz = services.config.TIMEZONE;
  const thisWeek = currentWeek(services.nowMs, tz);
  const week = input.week ?? addWeeks(thisWeek, -1);
  if (week >= thisWeek) return { ok: false, reason: "not-over", week };
  const [loaded, offices] = await Promise.all([loadDigest(services.d1, digestWindow(week, tz, ESCALATION_DAYS)), loadOffices(services.db)]);
  const mine = actor.scope.office;
  if (input.zone) {
    const known = loaded.data.zones.find((z) => z.code.toLowerCase() === input.zone!.toLowerCase());
    if (!known) return { ok: false, reason: "unknown-zone", zone: input.zone };
    if (!mayActOn(actor, { zone: { level: known.level, district: known.district ?? "" } })) return { ok: false, reason: "zone-out-of-scope", zoneCode: known.code };
    return { ok: true, digest: buildDigest(loaded.data, { kind: "zone", code: known.code }) };
  }
  return { ok: true, digest: mine && offices.length ? buildOfficeDigest(loaded.data, offices, mine) : buildDigest(loaded.data, { kind: "office" }) };
}
