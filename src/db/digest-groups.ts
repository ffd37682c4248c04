import { asc, eq, sql } from "drizzle-orm";
import { openDb, type Db } from "./client.ts";
import { digestGroups, offices, people, welcomes } from "./schema.ts";

/**
 * Digest groups bound in Feishu (one per office; '' = the implicit office without offices.csv) and the
 * welcomes already given. Plain rows and statements; no chat platform here.
 */

export type DigestGroup = typeof digestGroups.$inferSelect;

export async function boundGroups(db: Db): Promise<DigestGroup[]> {
  return db.select().from(digestGroups).orderBy(digestGroups.officeCode);
}

export async function boundGroupOf(db: Db, officeCode: string): Promise<DigestGroup | undefined> {
  const [row] = await db.select().from(digestGroups).where(eq(digestGroups.officeCode, officeCode)).limit(1);
  return row;
}

export async function officesBoundTo(db: Db, chatId: string): Promise<DigestGroup[]> {
  return db.select().from(digestGroups).where(eq(digestGroups.chatId, chatId));
}

/** Makes `chatId` the office's digest group (replacing any earlier one). */
export function bindStatement(d1: D1Database, group: DigestGroup) {
  return openDb(d1)
    .insert(digestGroups)
    .values(group)
    .onConflictDoUpdate({
      target: digestGroups.officeCode,
      set: { chatId: sql`excluded.chat_id`, chatName: sql`excluded.chat_name`, boundBy: sql`excluded.bound_by`, boundAt: sql`excluded.bound_at` },
    });
}

export function unbindChatStatement(d1: D1Database, chatId: string) {
  return openDb(d1).delete(digestGroups).where(eq(digestGroups.chatId, chatId));
}

/** Active managers and admins of an office (those with no office belong to the top one: `topCode`). */
export async function officeManagers(db: Db, officeCode: string, topCode: string | null): Promise<(typeof people.$inferSelect)[]> {
  const rows = await db.select().from(people).where(eq(people.active, true));
  return rows.filter(
    (p) => (p.role === "manager" || p.role === "admin") && !!p.openId && ((p.officeCode || topCode || "") === officeCode),
  );
}

// ---------------------------------------------------------------- welcomes

export async function wasWelcomed(d1: D1Database, openId: string): Promise<boolean> {
  const row = await openDb(d1).select({ hit: sql<number>`1` }).from(welcomes).where(eq(welcomes.openId, openId)).get();
  return !!row;
}

export function welcomedStatement(d1: D1Database, openId: string, nowMs: number) {
  return openDb(d1).insert(welcomes).values({ openId, welcomedAt: nowMs }).onConflictDoNothing({ target: welcomes.openId });
}

/** Holds in the commit's batch when this request's welcome row is the one stored (a rival's earlier one wins). */
export const welcomedByThis = (openId: string, nowMs: number) => ({ sql: "SELECT 1 FROM welcomes WHERE open_id = ? AND welcomed_at = ?", params: [openId, nowMs] });

/** Each office with its offices.csv group (raw, before bindings), for the listing of digest groups. */
export async function officesWithFileGroups(d1: D1Database): Promise<{ code: string; name: string; parentCode: string | null; digestChatId: string | null }[]> {
  return openDb(d1)
    .select({ code: offices.code, name: offices.name, parentCode: offices.parentCode, digestChatId: offices.digestChatId })
    .from(offices)
    .orderBy(asc(offices.code));
}
