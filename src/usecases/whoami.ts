/** `whoami`: the asker's zone, schools and office, as stored. */
import { schoolsByCode, schoolsOfSupervisor, zoneByCode, type Actor } from "../db/people.ts";
import { placementOf } from "./identity.ts";
import type { Services } from "./services.ts";

export async function whoIs(services: Pick<Services, "db">, actor: Actor) {
  const zone = actor.zoneCode ? await zoneByCode(services.db, actor.zoneCode) : undefined;
  const schools = actor.role === "supervisor" ? await schoolsOfSupervisor(services.db, actor.code) : actor.schoolCode ? await schoolsByCode(services.db, actor.schoolCode) : [];
  const office = (await placementOf(services.db, actor)).office;
  return { ok: true as const, zone, schools, office };
}
