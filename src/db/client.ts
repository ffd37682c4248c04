import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

export type Db = ReturnType<typeof openDb>;

const opened = new WeakMap<D1Database, ReturnType<typeof open>>();
const open = (d1: D1Database) => drizzle(d1, { schema });

/** drizzle over the binding, built once per isolate and binding (building it walks the whole schema: measurable CPU per request). */
export function openDb(d1: D1Database) {
  let db = opened.get(d1);
  if (!db) opened.set(d1, (db = open(d1)));
  return db;
}

/**
 * Splits rows into chunks whose JSON stays under `maxBytes`, for the
 * `json_each(?)` bulk statements: one bound parameter per chunk keeps big
 * writes (roster, weekly plan, fan-out) to a handful of D1 queries.
 */
export function chunkForJson<T>(rows: readonly T[], maxBytes = 400_000): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 2;
  for (const row of rows) {
    const rowSize = JSON.stringify(row).length + 1;
    if (current.length > 0 && size + rowSize > maxBytes) {
      chunks.push(current);
      current = [];
      size = 2;
    }
    current.push(row);
    size += rowSize;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
