/** Where a person belongs, in words: their zone or school and their office (whoami, the welcome). */
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { loadOffices } from "../db/offices.ts";
import { zoneByCode, type Actor } from "../db/people.ts";
import { schools } from "../db/schema.ts";
import { officeOfZone } from "../domain/offices.ts";

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
