import { eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { digestGroups, people } from "./schema.ts";

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
export function bindStatement(d1: D1Database, group: DigestGroup): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO digest_groups (office_code, chat_id, chat_name, bound_by, bound_at) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (office_code) DO UPDATE SET chat_id = excluded.chat_id, chat_name = excluded.chat_name, bound_by = excluded.bound_by, bound_at = excluded.bound_at`,
    )
    .bind(group.officeCode, group.chatId, group.chatName, group.boundBy, group.boundAt);
}

export function unbindChatStatement(d1: D1Database, chatId: string): D1PreparedStatement {
  return d1.prepare("DELETE FROM digest_groups WHERE chat_id = ?1").bind(chatId);
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
  const row = await d1.prepare("SELECT 1 AS hit FROM welcomes WHERE open_id = ?1").bind(openId).first<{ hit: number }>();
  return !!row;
}

export function welcomedStatement(d1: D1Database, openId: string, nowMs: number): D1PreparedStatement {
  return d1.prepare("INSERT INTO welcomes (open_id, welcomed_at) VALUES (?1, ?2) ON CONFLICT (open_id) DO NOTHING").bind(openId, nowMs);
}

/** Holds in the commit's batch when this request's welcome row is the one stored (a rival's earlier one wins). */
export const welcomedByThis = (openId: string, nowMs: number) => ({ sql: "SELECT 1 FROM welcomes WHERE open_id = ? AND welcomed_at = ?", params: [openId, nowMs] });

/** Each office with its offices.csv group (raw, before bindings), for the listing of digest groups. */
export async function officesWithFileGroups(d1: D1Database): Promise<{ code: string; name: string; parentCode: string | null; digestChatId: string | null }[]> {
  const { results } = await d1
    .prepare("SELECT code, name, parent_code AS parentCode, digest_chat_id AS digestChatId FROM offices ORDER BY code")
    .all<{ code: string; name: string; parentCode: string | null; digestChatId: string | null }>();
  return results;
}
