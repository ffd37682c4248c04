import type { Db } from "./client.ts";
import { eq } from "drizzle-orm";
import { digestGroups, offices as officesTable } from "./schema.ts";
import { scopeParam, type Office, type OfficeScope, type ZoneLike } from "../domain/offices.ts";

/** All offices (a handful of rows: a city has one per district); a group bound in Feishu outranks offices.csv's 周报群. */
export async function loadOffices(db: Db): Promise<Office[]> {
  const rows = await db
    .select({
      code: officesTable.code,
      name: officesTable.name,
      shortName: officesTable.shortName,
      parentCode: officesTable.parentCode,
      district: officesTable.district,
      digestChatId: officesTable.digestChatId,
      boundChatId: digestGroups.chatId,
    })
    .from(officesTable)
    .leftJoin(digestGroups, eq(digestGroups.officeCode, officesTable.code))
    .orderBy(officesTable.code);
  return rows.map((row) => ({
    code: row.code,
    name: row.name,
    shortName: row.shortName,
    parentCode: row.parentCode || null,
    district: row.district,
    digestChatId: row.boundChatId || row.digestChatId || null,
  }));
}

export const OFFICES_SQL = `SELECT code, name, short_name AS shortName, parent_code AS parentCode, district, digest_chat_id AS digestChatId FROM offices ORDER BY code`;

/**
 * SQL condition "the zone `zoneExpr` is in the scope bound at `?n`" (bind `scopeParam(scope)`):
 * NULL means everything, else a JSON array of the districts whose district-level zones are in scope.
 */
export function zoneInScopeSql(zoneExpr: string, n: number): string {
  return `(?${n} IS NULL OR ${zoneExpr} IN (SELECT code FROM zones WHERE level = 'district' AND district IN (SELECT value FROM json_each(?${n}))))`;
}

/** The same condition with positional parameters: bind `scopeParam(scope)` twice. */
export function zoneInScopeSqlPositional(zoneExpr: string): string {
  return `(? IS NULL OR ${zoneExpr} IN (SELECT code FROM zones WHERE level = 'district' AND district IN (SELECT value FROM json_each(?))))`;
}

/** The codes among `schoolCodes` whose zone is outside `scope` (unknown schools count as outside). */
export async function schoolsOutsideScope(d1: D1Database, scope: OfficeScope, schoolCodes: readonly string[]): Promise<string[]> {
  if (scope.districts === null || schoolCodes.length === 0) return [];
  const { results } = await d1
    .prepare(
      `SELECT s.code FROM schools s WHERE s.code IN (SELECT value FROM json_each(?1)) AND ${zoneInScopeSql("s.zone_code", 2)}`,
    )
    .bind(JSON.stringify([...new Set(schoolCodes)]), scopeParam(scope))
    .all<{ code: string }>();
  const inside = new Set(results.map((row) => row.code));
  return schoolCodes.filter((code) => !inside.has(code));
}

/** Is a person within `scope`: a supervisor by zone, a contact by school, a manager or admin by office. */
export async function personInScope(d1: D1Database, scope: OfficeScope, code: string): Promise<boolean> {
  if (scope.districts === null) return true;
  const row = await d1
    .prepare(
      `SELECT 1 AS ok FROM people p LEFT JOIN schools s ON s.code = p.school_code LEFT JOIN offices o ON o.code = p.office_code
       WHERE p.code = ?1 AND (
         (p.role = 'supervisor' AND ${zoneInScopeSql("p.zone_code", 2)}) OR
         (p.role = 'school_contact' AND ${zoneInScopeSql("s.zone_code", 2)}) OR
         (p.role IN ('manager', 'admin') AND o.district IN (SELECT value FROM json_each(?2))) OR
         (p.role IN ('manager', 'admin') AND o.code = ?3))`,
    )
    .bind(code, scopeParam(scope), scope.office?.code ?? null)
    .first<{ ok: number }>();
  return !!row;
}

/** Code, level and district of every zone (a few hundred rows at most per city). */
export async function zoneLevels(d1: D1Database): Promise<Map<string, ZoneLike>> {
  const { results } = await d1.prepare("SELECT code, level, district FROM zones").all<ZoneLike & { code: string }>();
  return new Map(results.map((zone) => [zone.code, { level: zone.level, district: zone.district }]));
}

/**
 * SQL condition "this outbox row goes to someone in the scope" (bind ?n `scopeParam`, ?n+1 the office's group
 * chat, ?n+2 the office code): people by zone, school or office, and the office's own group.
 */
export function outboxInScopeSql(n: number): string {
  return `(?${n} IS NULL OR receive_id = ?${n + 1} OR receive_id IN (
    SELECT p.open_id FROM people p LEFT JOIN schools s ON s.code = p.school_code LEFT JOIN offices o ON o.code = p.office_code
    WHERE p.open_id IS NOT NULL AND (${zoneInScopeSql("p.zone_code", n)} AND p.zone_code IS NOT NULL
      OR ${zoneInScopeSql("s.zone_code", n)} AND s.zone_code IS NOT NULL
      OR o.district IN (SELECT value FROM json_each(?${n})) OR o.code = ?${n + 2})))`;
}

export const outboxScopeParams = (scope: OfficeScope) => [scopeParam(scope), scope.office?.digestChatId ?? null, scope.office?.code ?? null] as const;

/** What the policy needs of a school: its zone (null when the school or its zone is unknown) and its nameplate supervisor. */
export async function schoolPolicyFacts(d1: D1Database, schoolCode: string): Promise<{ zone: ZoneLike | null; supervisorCode: string | null } | null> {
  const row = await d1
    .prepare(
      `SELECT s.supervisor_code AS supervisorCode, z.level, z.district FROM schools s LEFT JOIN zones z ON z.code = s.zone_code WHERE s.code = ?1`,
    )
    .bind(schoolCode)
    .first<{ supervisorCode: string | null; level: "city" | "district" | null; district: string | null }>();
  if (!row) return null;
  return { zone: row.level ? { level: row.level, district: row.district ?? "" } : null, supervisorCode: row.supervisorCode };
}

/** The top office's name, for "set by the city's office" refusals ('' without offices). */
export async function topOfficeName(d1: D1Database): Promise<string> {
  const row = await d1.prepare("SELECT name FROM offices WHERE parent_code IS NULL OR parent_code = '' ORDER BY code LIMIT 1").first<{ name: string }>();
  return row?.name ?? "";
}
