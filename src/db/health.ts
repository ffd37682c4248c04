/** What /healthz asks of the database. */

/** Whether the migrations have been applied (the outbox table exists). */
export async function migrationsApplied(d1: D1Database): Promise<boolean> {
  const row = await d1.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'outbox'").first<{ n: number }>();
  return row?.n === 1;
}
