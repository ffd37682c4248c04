/** `column IN` a list bound as one JSON parameter: long lists stay one bound value (D1 allows 100 per statement). */
import { inArray, sql, type Column, type SQL } from "drizzle-orm";

/** `column IN (SELECT value FROM json_each(?))`, the list bound once as JSON. */
export function inJsonList(column: Column, values: readonly unknown[]): SQL {
  return inArray(column, sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`);
}
