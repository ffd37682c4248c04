import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "./client.ts";
import { inChainOfZone, scopeOf, WHOLE_SCOPE, type OfficeScope, type ZoneLike } from "../domain/offices.ts";
import { loadOffices } from "./offices.ts";
import { people, schools, zones, type Role } from "./schema.ts";

export type Person = typeof people.$inferSelect;
export type School = typeof schools.$inferSelect;
export type Zone = typeof zones.$inferSelect;

/** Who sent a message or clicked a card: a roster person, or a bootstrap admin from ADMIN_OPEN_IDS. */
export interface Actor {
  code: string;
  name: string;
  role: Role;
  openId: string;
  lang: "zh" | "en";
  zoneCode: string | null;
  schoolCode: string | null;
  /** true for ADMIN_OPEN_IDS entries that are not on the roster */
  bootstrap: boolean;
  /** managers and admins: their office ('' / null = the top office) */
  officeCode: string | null;
  /** what a manager may see and act on, resolved once per request (everything for others: their own rules apply) */
  scope: OfficeScope;
}

/** What an Actor is made of: the person's row without personal data (no mobile, no email). */
type SenderRow = { code: string; name: string; role: Role; lang: "zh" | "en"; zone_code: string | null; school_code: string | null; office_code: string | null };

/** The active person with this open_id, as one statement that can ride in another batch (see actorOf). */
export function senderStatement(d1: D1Database, openId: string): D1PreparedStatement {
  return d1.prepare("SELECT code, name, role, lang, zone_code, school_code, office_code FROM people WHERE open_id = ?1 AND active = 1 LIMIT 1").bind(openId);
}

/** The actor from senderStatement's result: the person, or a bootstrap admin; managers' and admins' office scopes are read here. */
export async function actorOf(db: Db, read: D1Result | undefined, openId: string, adminOpenIds: readonly string[]): Promise<Actor | null> {
  const person = (read?.results[0] as SenderRow | undefined) ?? undefined;
  const isBootstrapAdmin = adminOpenIds.includes(openId);
  if (person) {
    const role = isBootstrapAdmin ? "admin" : person.role;
    const officeCode = isBootstrapAdmin ? null : person.office_code;
    const scope = role === "manager" || role === "admin" ? scopeOf(await loadOffices(db), officeCode) : WHOLE_SCOPE;
    return {
      code: person.code,
      name: person.name,
      role,
      openId,
      lang: person.lang,
      zoneCode: person.zone_code,
      schoolCode: person.school_code,
      bootstrap: false,
      officeCode,
      scope,
    };
  }
  if (isBootstrapAdmin) {
    const scope = scopeOf(await loadOffices(db), null);
    return { code: `admin:${openId}`, name: "Admin", role: "admin", openId, lang: "zh", zoneCode: null, schoolCode: null, bootstrap: true, officeCode: null, scope };
  }
  return null;
}

export async function findActor(db: Db, openId: string, adminOpenIds: readonly string[]): Promise<Actor | null> {
  const [read] = await db.$client.batch([senderStatement(db.$client, openId)]);
  return actorOf(db, read, openId, adminOpenIds);
}

export const isManager = (actor: Pick<Actor, "role">) => actor.role === "manager" || actor.role === "admin";

/** Code, name and zone of every active school, with the zone's level and district (for scope checks). */
export async function schoolRefsWithZone(d1: D1Database): Promise<{ code: string; name: string; zoneCode: string; level: "city" | "district"; district: string }[]> {
  const { results } = await d1
    .prepare(
      `SELECT s.code, s.name, s.zone_code AS zoneCode, COALESCE(z.level, 'city') AS level, COALESCE(z.district, '') AS district
       FROM schools s LEFT JOIN zones z ON z.code = s.zone_code WHERE s.active = 1`,
    )
    .all<{ code: string; name: string; zoneCode: string; level: "city" | "district"; district: string }>();
  return results;
}

export async function schoolsOfSupervisor(db: Db, supervisorCode: string): Promise<School[]> {
  return db.select().from(schools).where(and(eq(schools.supervisorCode, supervisorCode), eq(schools.active, true))).orderBy(schools.code);
}

export async function zoneByCode(db: Db, code: string): Promise<Zone | undefined> {
  return db.query.zones.findFirst({ where: eq(zones.code, code) });
}

/** Active managers and admins who can receive messages, whatever their office (callers sort them by scope). */
export async function managersWithOpenId(db: Db): Promise<Person[]> {
  return db
    .select()
    .from(people)
    .where(and(inArray(people.role, ["manager", "admin"]), eq(people.active, true)))
    .then((rows) => rows.filter((p) => p.openId));
}

/** A school (by code) or a zone, for `managersInChain`. */
export type ChainOf = { zone: ZoneLike } | { schoolCode: string };

/**
 * "Managers in the chain of office X": the active managers and admins with an open_id of the office that owns the
 * zone (or the school's zone) and of the offices above it; never a sibling's or another district's. An unknown
 * school counts as the top office's. Every alert about a school finds its managers here.
 */
export async function managersInChain(db: Db, of: ChainOf): Promise<Person[]> {
  const [managers, offices, zone] = await Promise.all([managersWithOpenId(db), loadOffices(db), "zone" in of ? of.zone : zoneOfSchool(db, of.schoolCode)]);
  return managers.filter((manager) => inChainOfZone(offices, manager.officeCode, zone));
}

/** `managersInChain` for many items at once: each manager with the items whose zone has them in its chain (managers with none left out). */
export async function managersInChainOfEach<T>(db: Db, items: readonly T[], zoneOf: (item: T) => ZoneLike): Promise<{ manager: Person; items: T[] }[]> {
  if (items.length === 0) return [];
  const [managers, offices] = await Promise.all([managersWithOpenId(db), loadOffices(db)]);
  return managers
    .map((manager) => ({ manager, items: items.filter((item) => inChainOfZone(offices, manager.officeCode, zoneOf(item))) }))
    .filter((entry) => entry.items.length > 0);
}

async function zoneOfSchool(db: Db, schoolCode: string): Promise<ZoneLike> {
  const [row] = await db
    .select({ level: zones.level, district: zones.district })
    .from(schools)
    .innerJoin(zones, eq(zones.code, schools.zoneCode))
    .where(eq(schools.code, schoolCode))
    .limit(1);
  return row ? { level: row.level as ZoneLike["level"], district: row.district ?? "" } : { level: "city", district: "" };
}

/** Code and name of every active school, for matching what users type (one query). */
export async function schoolRefs(db: Db): Promise<{ code: string; name: string }[]> {
  return db.select({ code: schools.code, name: schools.name }).from(schools).where(eq(schools.active, true));
}
