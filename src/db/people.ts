import { and, eq, inArray, sql } from "drizzle-orm";
import { openDb, type Db } from "./client.ts";
import { inChainOfZone, officeIsValid, scopeOf, topOffice, WHOLE_SCOPE, type ZoneLike } from "../domain/offices.ts";
import { loadOffices } from "./offices.ts";
import { people, schools, zones, type Role } from "./schema.ts";

export type Person = typeof people.$inferSelect;
export type School = typeof schools.$inferSelect;
export type Zone = typeof zones.$inferSelect;

export type { Actor } from "../domain/people.ts";
import type { Actor } from "../domain/people.ts";

/** What an Actor is made of: the person's row without personal data (no mobile, no email), and what bootstrapping needs. */
type SenderRow = {
  code: string | null;
  name: string;
  role: Role;
  lang: "zh" | "en";
  zone_code: string | null;
  school_code: string | null;
  office_code: string | null;
  /** the open_id is on the roster at all (active or deactivated) */
  on_roster: number;
  /** the roster has an active admin */
  has_admin: number;
};

/**
 * The active person with this open_id, as one statement that can ride in another batch (see actorOf). Always one
 * row: the person's columns are NULL when no active person has the open_id. Whether the roster has an active admin
 * is read only for an open_id listed in ADMIN_OPEN_IDS (`listed`): other senders cost no scan of the roster.
 * Hand-written: the always-one-row `FROM (SELECT 1) LEFT JOIN` has no drizzle form, and the statement rides in raw
 * D1 batches (usecases/chat-events-claims.ts) whose results actorOf reads by column name.
 */
export function senderStatement(d1: D1Database, openId: string, listed = false): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT p.code, p.name, p.role, p.lang, p.zone_code, p.school_code, p.office_code,
         EXISTS (SELECT 1 FROM people WHERE open_id = ?1) AS on_roster,
         CASE WHEN ?2 THEN EXISTS (SELECT 1 FROM people WHERE role = 'admin' AND active = 1) ELSE 1 END AS has_admin
       FROM (SELECT 1) LEFT JOIN people p ON p.open_id = ?1 AND p.active = 1 LIMIT 1`,
    )
    .bind(openId, listed ? 1 : 0);
}

/**
 * The actor from senderStatement's result: the person, or a bootstrap admin; managers' and admins' office scopes are
 * read here. ADMIN_OPEN_IDS only bootstraps: it makes a listed open_id the top office's admin while the roster has no
 * active admin, and never someone the roster has deactivated.
 */
export async function actorOf(db: Db, read: D1Result | undefined, openId: string, adminOpenIds: readonly string[]): Promise<Actor | null> {
  const row = read?.results[0] as SenderRow | undefined;
  const person = row?.code ? row : undefined;
  const listed = adminOpenIds.includes(openId) && !row?.has_admin;
  const bootstraps = listed && (person !== undefined || !row?.on_roster);
  if (person && !bootstraps) {
    const managing = person.role === "manager" || person.role === "admin";
    const offices = managing ? await loadOffices(db) : [];
    return {
      code: person.code!,
      name: person.name,
      role: person.role,
      openId,
      lang: person.lang,
      zoneCode: person.zone_code,
      schoolCode: person.school_code,
      bootstrap: false,
      officeCode: person.office_code,
      officeValid: !managing || officeIsValid(offices, person.office_code),
      scope: managing ? scopeOf(offices, person.office_code) : WHOLE_SCOPE,
    };
  }
  if (bootstraps) {
    const offices = await loadOffices(db);
    const top = topOffice(offices);
    const scope = scopeOf(offices, top?.code ?? null);
    const base = { role: "admin" as const, openId, bootstrap: true, officeCode: top?.code ?? null, officeValid: true, scope };
    if (person) return { ...base, code: person.code!, name: person.name, lang: person.lang, zoneCode: person.zone_code, schoolCode: person.school_code };
    return { ...base, code: `admin:${openId}`, name: "Admin", lang: "zh", zoneCode: null, schoolCode: null };
  }
  return null;
}

export async function findActor(db: Db, openId: string, adminOpenIds: readonly string[]): Promise<Actor | null> {
  const [read] = await db.$client.batch([senderStatement(db.$client, openId, adminOpenIds.includes(openId))]);
  return actorOf(db, read, openId, adminOpenIds);
}

export { isManager } from "../domain/people.ts";

/** Code, name and zone of every active school, with the zone's level and district (for scope checks). */
export async function schoolRefsWithZone(d1: D1Database): Promise<{ code: string; name: string; zoneCode: string; level: "city" | "district"; district: string }[]> {
  return openDb(d1)
    .select({
      code: schools.code,
      name: schools.name,
      zoneCode: schools.zoneCode,
      level: sql<"city" | "district">`COALESCE(${zones.level}, 'city')`,
      district: sql<string>`COALESCE(${zones.district}, '')`,
    })
    .from(schools)
    .leftJoin(zones, eq(zones.code, schools.zoneCode))
    .where(eq(schools.active, true));
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

/** The active person with this code (codes are stored upper-case), or null. */
export async function activePersonByCode(db: Db, code: string): Promise<Person | null> {
  return (await db.query.people.findFirst({ where: and(eq(people.code, code.toUpperCase()), eq(people.active, true)) })) ?? null;
}

/** The school with this code (active or not), as a list of one or none. */
export async function schoolsByCode(db: Db, code: string): Promise<School[]> {
  return db.select().from(schools).where(eq(schools.code, code));
}
