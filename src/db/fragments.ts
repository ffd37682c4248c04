/** SQL fragments for drizzle builders, for what drizzle's operators lack. */
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { zones } from "./schema.ts";

/**
 * "`column` is one of `values`" through one JSON parameter (json_each): any number of values in one bound
 * parameter, where `inArray` binds one per value and D1 allows 100 per statement.
 */
export function inJson(column: SQLWrapper, values: readonly unknown[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/** The joined `zones` row's level and district (a school without a zone reads as the city's). */
export const zoneLevelOrCity = sql<"city" | "district">`COALESCE(${zones.level}, 'city')`;
export const zoneDistrictOrNone = sql<string>`COALESCE(${zones.district}, '')`;
