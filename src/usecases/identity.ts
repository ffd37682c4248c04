/** Where a person belongs, in words: their zone or school and their office (whoami, the welcome). */
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { loadOffices } from "../db/offices.ts";
import { findActor, zoneByCode, type Actor } from "../db/people.ts";
import { schools } from "../db/schema.ts";
import { officeOfZone } from "../domain/offices.ts";
import type { Services } from "./services.ts";
import { peopleToResolve, rememberMisses, storeResolvedOpenIds } from "../db/open-id-lookup.ts";
import { logger } from "../log.ts";

export interface Placement {
  zone: { code: string; name: string; level: "city" | "district" } | null;
  school: { code: string; name: string } | null;
  /** the office's name; null without offices.csv */
  office: string | null;
}

/** A manager's or admin's own office; a supervisor's zone and the zone's office; a school contact's school and its zone's office. */
export async function placementOf(db: Db, actor: Actor): Promise<Placement> {
  if (actor.role === "manager" || actor.role === "admin") return { zone: null, school: null, office: actor.scope.office?.name ?? null };
  const [school] = actor.schoolCode ? await db.select().from(schools).where(eq(schools.code, actor.schoolCode)).limit(1) : [];
  const zoneCode = actor.zoneCode ?? school?.zoneCode ?? null;
  const zone = zoneCode ? await zoneByCode(db, zoneCode) : undefined;
  const offices = zone ? await loadOffices(db) : [];
  const office = zone ? officeOfZone(offices, { level: zone.level, district: zone.district ?? "" }) : null;
  return {
    zone: zone && actor.zoneCode ? { code: zone.code, name: zone.name, level: zone.level } : null,
    school: school ? { code: school.code, name: school.name } : null,
    office: office?.name ?? null,
  };
}

/** Someone Feishu does not know today may join the tenant later: ask again after a day. */
const RESOLVE_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

export type ResolveOpenIdsResult = { ok: true; pending: number; resolved: number; missed: number } | { ok: false; reason: "lookup-failed" };

/**
 * People imported without an open_id are looked up through Feishu by mobile or email, `limit` per run;
 * the open_ids found are stored and the misses remembered for a day (both in the unit of work).
 */
export async function resolvePendingOpenIds(services: Services, limit: number): Promise<ResolveOpenIdsResult> {
  const { d1, nowMs } = services;
  const pending = await peopleToResolve(d1, nowMs, limit);
  if (pending.length === 0) return { ok: true, pending: 0, resolved: 0, missed: 0 };
  let found: Map<string, string>;
  try {
    found = await services.feishu().openIdsFor(
      pending.flatMap((p) => (p.mobile ? [p.mobile] : [])),
      pending.flatMap((p) => (p.email ? [p.email] : [])),
    );
  } catch (error) {
    logger.error({ ref: services.ref, route: "job:resolve_open_ids", outcome: "lookup_failed" }, error);
    return { ok: false, reason: "lookup-failed" };
  }
  const resolved: { code: string; openId: string }[] = [];
  const missed: string[] = [];
  for (const person of pending) {
    const openId = (person.mobile && found.get(person.mobile)) || (person.email && found.get(person.email));
    if (openId) resolved.push({ code: person.code, openId });
    else missed.push(person.code);
  }
  if (resolved.length) services.uow.write(storeResolvedOpenIds(d1, resolved, nowMs));
  if (missed.length) services.uow.write(rememberMisses(d1, missed, nowMs + RESOLVE_RETRY_AFTER_MS));
  return { ok: true, pending: pending.length, resolved: resolved.length, missed: missed.length };
}

/** Who sent a message or clicked a card: the roster person with this open_id, or a bootstrap admin (ADMIN_OPEN_IDS). */
export function identify(services: Pick<Services, "db" | "config">, openId: string): Promise<Actor | null> {
  return findActor(services.db, openId, services.config.ADMIN_OPEN_IDS);
}
