/**
 * A school's file (`school`): nameplate supervisor and zone, this term's visits, problems, orders and latest photos,
 * and (not for the school's own contacts) what the public said of it. Who may see which school: domain/school-access.ts.
 */
import { feedbackCounts } from "../db/feedback.ts";
import type { Actor } from "../db/people.ts";
import { activeSchoolsWithAccess, schoolFile, schoolHeader, termPeriods, type SchoolFileData, type SchoolHeader } from "../db/school-file.ts";
import { maySeeSchool } from "../domain/school-access.ts";
import { termOf } from "../domain/school-file.ts";
import { matchSchool } from "../domain/school-match.ts";
import { localDate, localMidnightMs } from "../domain/time.ts";
import { imageKeysFor } from "../photos/images.ts";
import type { Services } from "./services.ts";

export type SchoolFileResult =
  | {
      ok: true;
      school: SchoolHeader;
      term: ReturnType<typeof termOf>;
      data: SchoolFileData;
      imageKeys: string[];
      today: string;
      feedback: { received: number; replied: number; visited: number } | undefined;
    }
  | { ok: false; reason: "usage" }
  | { ok: false; reason: "unknown"; text: string }
  | { ok: false; reason: "ambiguous"; text: string; candidates: { code: string; name: string }[] }
  /** the school exists but is not the asker's to see (`name`: its name, or the text when several match) */
  | { ok: false; reason: "not-yours"; name: string };

/** The file of the school `text` names among those `actor` may see; a school contact asking with no text gets their own. */
export async function schoolFileFor(services: Services, actor: Actor, text: string): Promise<SchoolFileResult> {
  if (!text) {
    if (actor.role === "school_contact" && actor.schoolCode) return fileOf(services, actor, actor.schoolCode);
    return { ok: false, reason: "usage" };
  }
  const all = await activeSchoolsWithAccess(services.d1);
  const visible = all.filter((row) => maySeeSchool(actor, row));
  const match = matchSchool(text, visible);
  if (match.kind === "found") return fileOf(services, actor, match.school.code);
  if (match.kind === "ambiguous") return { ok: false, reason: "ambiguous", text, candidates: match.candidates };
  const elsewhere = matchSchool(text, all);
  if (elsewhere.kind === "found") return { ok: false, reason: "not-yours", name: elsewhere.school.name };
  if (elsewhere.kind === "ambiguous") return { ok: false, reason: "not-yours", name: text };
  return { ok: false, reason: "unknown", text };
}

async function fileOf(services: Services, actor: Actor, schoolCode: string): Promise<SchoolFileResult> {
  const school = await schoolHeader(services.d1, schoolCode);
  if (!school) return { ok: false, reason: "unknown", text: schoolCode };
  const tz = services.config.TIMEZONE;
  const today = localDate(services.nowMs, tz);
  const term = termOf(await termPeriods(services.d1), today);
  const data = await schoolFile(services.d1, school.code, term.from, today);
  const imageKeys = await imageKeysFor(services, data.photos);
  // what the public said of the school is for its supervisor and the office, not for the school itself
  const feedback = actor.role === "school_contact" ? undefined : await feedbackCounts(services.d1, school.code, localMidnightMs(term.from, tz));
  return { ok: true, school, term, data, imageKeys, today, feedback };
}
