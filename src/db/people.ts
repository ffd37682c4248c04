import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "./client.ts";
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
}

export async function findActor(db: Db, openId: string, adminOpenIds: readonly string[]): Promise<Actor | null> {
  const person = await db.query.people.findFirst({ where: and(eq(people.openId, openId), eq(people.active, true)) });
  const isBootstrapAdmin = adminOpenIds.includes(openId);
  if (person) {
    return {
      code: person.code,
      name: person.name,
      role: isBootstrapAdmin ? "admin" : person.role,
      openId,
      lang: person.lang,
      zoneCode: person.zoneCode,
      schoolCode: person.schoolCode,
      bootstrap: false,
    };
  }
  if (isBootstrapAdmin) {
    return { code: `admin:${openId}`, name: "Admin", role: "admin", openId, lang: "zh", zoneCode: null, schoolCode: null, bootstrap: true };
  }
  return null;
}

export const isManager = (actor: Pick<Actor, "role">) => actor.role === "manager" || actor.role === "admin";

export async function schoolsOfSupervisor(db: Db, supervisorCode: string): Promise<School[]> {
  return db.select().from(schools).where(and(eq(schools.supervisorCode, supervisorCode), eq(schools.active, true))).orderBy(schools.code);
}

export async function zoneByCode(db: Db, code: string): Promise<Zone | undefined> {
  return db.query.zones.findFirst({ where: eq(zones.code, code) });
}

export async function managersWithOpenId(db: Db): Promise<Person[]> {
  return db
    .select()
    .from(people)
    .where(and(inArray(people.role, ["manager", "admin"]), eq(people.active, true)))
    .then((rows) => rows.filter((p) => p.openId));
}

/** Code and name of every active school, for matching what users type (one query). */
export async function schoolRefs(db: Db): Promise<{ code: string; name: string }[]> {
  return db.select({ code: schools.code, name: schools.name }).from(schools).where(eq(schools.active, true));
}
