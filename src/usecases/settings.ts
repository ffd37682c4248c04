/** Office settings kept in the `settings` table: the month's special topics (`topics`). */
import { readSetting, readSpecialTopics, upsertSetting } from "../db/planning.ts";
import { boundGroups, officesWithFileGroups } from "../db/digest-groups.ts";
import { importLog } from "../db/roster-imports.ts";
import type { Services } from "./services.ts";

const TOPICS_KEY = "special_topics";

/** Every month's special topics, by `YYYY-MM`. */
export async function specialTopics(services: Pick<Services, "d1">): Promise<Record<string, string[]>> {
  return readSpecialTopics(await readSetting(services.d1, TOPICS_KEY));
}

/** Sets (or, with `null`, clears) one month's topics, keeping the other months' (queued on `services.uow`). */
export async function setSpecialTopics(services: Services, month: string, topics: string[] | null): Promise<{ ok: true; month: string; topics: string[] | null }> {
  const current = await specialTopics(services);
  if (topics) current[month] = topics;
  else delete current[month];
  services.uow.write(upsertSetting(services.d1, TOPICS_KEY, JSON.stringify(current), services.nowMs));
  return { ok: true, month, topics };
}

const LOG_ROWS = 30;

/** `roster log`: the latest roster imports, and each office with the digest group bound in Feishu or named in offices.csv. */
export async function rosterLogFor(services: Pick<Services, "d1" | "db">) {
  const rows = await importLog(services.d1, LOG_ROWS);
  const [offices, bound] = await Promise.all([officesWithFileGroups(services.d1), boundGroups(services.db)]);
  return { ok: true as const, rows, offices, bound };
}

export type { DigestGroup } from "../db/digest-groups.ts";
