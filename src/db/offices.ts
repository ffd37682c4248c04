import { openDb, type Db } from "./client.ts";
import { and, eq, inArray, isNull, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { inJson } from "./fragments.ts";
import { digestGroups, offices as officesTable, people, schools, zones } from "./schema.ts";
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

/**
 * The drizzle form of `zoneInScopeSql`: "the zone `zone` is in `scope`" as a condition for a builder's where,
 * undefined for the whole scope (no condition), so `and(…, zoneInScopeWhere(col, scope))` drops it.
 */
export function zoneInScopeWhere(zone: SQLWrapper, scope: OfficeScope): SQL | undefined {
  return zoneInDistrictsWhere(zone, scopeParam(scope));
}

/** `zoneInScopeWhere` for a scope already turned into its parameter (`scopeParam`: null for everything, else the districts as JSON). */
export function zoneInDistrictsWhere(zone: SQLWrapper, districts: string | null): SQL | undefined {
  if (districts === null) return undefined;
  return sql`${zone} IN (SELECT code FROM zones WHERE level = 'district' AND district IN (SELECT value FROM json_each(${districts})))`;
}

/** The codes among `schoolCodes` whose zone is outside `scope` (unknown schools count as outside). */
export async function schoolsOutsideScope(d1: D1Database, scope: OfficeScope, schoolCodes: readonly string[]): Promise<string[]> {
  if (scope.districts === null || schoolCodes.length === 0) return [];
  const rows = await openDb(d1)
    .select({ code: schools.code })
    .from(schools)
    .where(and(inJson(schools.code, [...new Set(schoolCodes)]), zoneInScopeWhere(schools.zoneCode, scope)));
  const inside = new Set(rows.map((row) => row.code));
  return schoolCodes.filter((code) => !inside.has(code));
}

/** Is a person within `scope`: a supervisor by zone, a contact by school, a manager or admin by office. */
export async function personInScope(d1: D1Database, scope: OfficeScope, code: string): Promise<boolean> {
  if (scope.districts === null) return true;
  const managing = inArray(people.role, ["manager", "admin"]);
  const row = await openDb(d1)
    .select({ ok: sql<number>`1` })
    .from(people)
    .leftJoin(schools, eq(schools.code, people.schoolCode))
    .leftJoin(officesTable, eq(officesTable.code, people.officeCode))
    .where(
      and(
        eq(people.code, code),
        or(
          and(eq(people.role, "supervisor"), zoneInScopeWhere(people.zoneCode, scope)),
          and(eq(people.role, "school_contact"), zoneInScopeWhere(schools.zoneCode, scope)),
          and(managing, inJson(officesTable.district, scope.districts)),
          scope.office ? and(managing, eq(officesTable.code, scope.office.code)) : undefined,
        ),
      ),
    )
    .get();
  return !!row;
}

/** Code, level and district of every zone (a few hundred rows at most per city). */
export async function zoneLevels(d1: D1Database): Promise<Map<string, ZoneLike>> {
  const rows = await openDb(d1).select({ code: zones.code, level: zones.level, district: zones.district }).from(zones);
  return new Map(rows.map((zone) => [zone.code, { level: zone.level, district: zone.district }]));
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

/**
 * The drizzle form of `outboxInScopeSql` over the `outbox` table: undefined for the whole scope (no condition).
 * The subquery's own joins stay SQL text (aliases p, s, o), the scope's districts go through json_each.
 */
export function outboxInScopeWhere(receiveId: SQLWrapper, scope: OfficeScope): SQL | undefined {
  const districts = scopeParam(scope);
  if (districts === null) return undefined;
  const inDistricts = (zone: string) => sql`${sql.raw(zone)} IN (SELECT code FROM zones WHERE level = 'district' AND district IN (SELECT value FROM json_each(${districts})))`;
  return sql`(${receiveId} = ${scope.office?.digestChatId ?? null} OR ${receiveId} IN (
    SELECT p.open_id FROM people p LEFT JOIN schools s ON s.code = p.school_code LEFT JOIN offices o ON o.code = p.office_code
    WHERE p.open_id IS NOT NULL AND (${inDistricts("p.zone_code")} AND p.zone_code IS NOT NULL
      OR ${inDistricts("s.zone_code")} AND s.zone_code IS NOT NULL
      OR o.district IN (SELECT value FROM json_each(${districts})) OR o.code = ${scope.office?.code ?? null})))`;
}

export const outboxScopeParams = (scope: OfficeScope) => [scopeParam(scope), scope.office?.digestChatId ?? null, scope.office?.code ?? null] as const;

/** What the policy needs of a school: its zone (null when the school or its zone is unknown) and its nameplate supervisor. */
export async function schoolPolicyFacts(d1: D1Database, schoolCode: string): Promise<{ zone: ZoneLike | null; supervisorCode: string | null } | null> {
  const row = await openDb(d1)
    .select({ supervisorCode: schools.supervisorCode, level: zones.level, district: zones.district })
    .from(schools)
    .leftJoin(zones, eq(zones.code, schools.zoneCode))
    .where(eq(schools.code, schoolCode))
    .get();
  if (!row) return null;
  return { zone: row.level ? { level: row.level, district: row.district ?? "" } : null, supervisorCode: row.supervisorCode };
}

/** The top office's name, for "set by the city's office" refusals ('' without offices). */
export async function topOfficeName(d1: D1Database): Promise<string> {
  const row = await openDb(d1)
    .select({ name: officesTable.name })
    .from(officesTable)
    .where(or(isNull(officesTable.parentCode), eq(officesTable.parentCode, "")))
    .orderBy(officesTable.code)
    .limit(1)
    .get();
  return row?.name ?? "";
}
