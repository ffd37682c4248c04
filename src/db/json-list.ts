/** A JSON-array parameter as an IN list, for drizzle queries (`inArray` binds one parameter per value; D1 allows 100 per query). */
import { sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** `column IN (SELECT value FROM json_each(?))`: one bound parameter however many values. */
export function inJsonList(column: SQLiteColumn | SQL, values: readonly unknown[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
