/** Figures (`stats`): a period's visits, reports, problems and orders in the asking manager's scope, and the public's feedback. */
import { feedbackTotals } from "../db/feedback.ts";
import type { Actor } from "../db/people.ts";
import { loadStats, loadStatsCalendar } from "../db/stats.ts";
import type { ZoneRow } from "../domain/digest.ts";
import { WHOLE_SCOPE, zoneInScope, type OfficeScope } from "../domain/offices.ts";
import { buildStats, statsPeriod, type PeriodSpec, type StatsScope } from "../domain/stats.ts";
import { utcOffsetMinutes } from "../domain/time.ts";
import type { Services } from "./services.ts";

/**
 * Whose figures a manager gets: the one place the scope is decided. Every zone of the manager's office scope
 * (all of them at the top office), or the one zone named.
 */
export function statsScope(zones: readonly ZoneRow[], zoneArg: string | null, office: OfficeScope = WHOLE_SCOPE): StatsScope | { unknownZone: string } {
  const mine = zones.filter((zone) => zoneInScope(office, { level: zone.level, district: zone.district ?? "" }));
  if (!zoneArg) return office.districts === null ? { kind: "all" } : { kind: "zones", codes: mine.map((zone) => zone.code), label: office.office?.name ?? "" };
  const zone = mine.find((z) => z.code.toLowerCase() === zoneArg.toLowerCase());
  if (!zone) return { unknownZone: zoneArg };
  return { kind: "zones", codes: [zone.code], label: `${zone.name}（${zone.code}）` };
}

type Period = Exclude<ReturnType<typeof statsPeriod>, { error: string }>;
type PeriodError = Extract<ReturnType<typeof statsPeriod>, { error: string }>;

export type StatsResult =
  | { ok: true; period: Period; scope: StatsScope; figures: ReturnType<typeof buildStats>; data: Awaited<ReturnType<typeof loadStats>>; feedback?: Awaited<ReturnType<typeof feedbackTotals>> }
  | { ok: false; reason: "period"; error: PeriodError }
  | { ok: false; reason: "unknown-zone"; zone: string };

/** The figures of the period `spec` (this term when null) for `actor`'s scope or the zone named; with `withFeedback`, the feedback totals too. */
export async function statsFigures(services: Pick<Services, "d1" | "nowMs" | "config">, actor: Actor, input: { spec: PeriodSpec | null; zone: string | null; withFeedback: boolean }): Promise<StatsResult> {
  const tz = services.config.TIMEZONE;
  const calendar = await loadStatsCalendar(services.d1);
  const period = statsPeriod(input.spec ?? { kind: "current_term" }, calendar, services.nowMs, tz);
  if ("error" in period) return { ok: false, reason: "period", error: period };
  const offset = `${utcOffsetMinutes(services.nowMs, tz)} minutes`;
  const data = await loadStats(services.d1, period, offset);
  const scope = statsScope(data.zones, input.zone, actor.scope);
  if ("unknownZone" in scope) return { ok: false, reason: "unknown-zone", zone: scope.unknownZone };
  const figures = buildStats(data, scope);
  if (!input.withFeedback) return { ok: true, period, scope, figures, data };
  const feedback = await feedbackTotals(services.d1, scope.kind === "zones" ? scope.codes : null, period.from, period.to, offset);
  return { ok: true, period, scope, figures, data, feedback };
}
