/** What /healthz asks of the database. */
import { count, eq } from "drizzle-orm";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { openDb } from "./client.ts";

/** SQLite's own catalogue, declared here only (not in schema.ts, so drizzle-kit never tries to create it). */
const sqliteMaster = sqliteTable("sqlite_master", { name: text("name") });

/** Whether the migrations have been applied (the outbox table exists). */
export async function migrationsApplied(d1: D1Database): Promise<boolean> {
  const row = await openDb(d1).select({ n: count() }).from(sqliteMaster).where(eq(sqliteMaster.name, "outbox")).get();
  return row?.n === 1;
}
