import type { Db } from "./client.ts";
import { offices as officesTable } from "./schema.ts";
import type { Office } from "../domain/offices.ts";

/** All offices (a handful of rows: a city has one per district). */
export async function loadOffices(db: Db): Promise<Office[]> {
  const rows = await db.select().from(officesTable).orderBy(officesTable.code);
  return rows.map((row) => ({
    code: row.code,
    name: row.name,
    shortName: row.shortName,
    parentCode: row.parentCode || null,
    district: row.district,
    digestChatId: row.digestChatId || null,
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
