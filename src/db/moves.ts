/** Moving a planned visit to another week: what is moved, whether the target week is taken, and the guarded pair of writes. */
import { and, asc, eq, gte } from "drizzle-orm";
import type { IsoWeek } from "../domain/time.ts";
import type { Db } from "./client.ts";
import { assignments, schools } from "./schema.ts";

export interface MovableVisit {
  id: number;
  week: string;
  supervisorCode: string;
  reason: string;
  topic: string | null;
  orderId: number | null;
}

export interface MoveFacts {
  /** the school's next planned visit from `fromWeek` on (the visitor's only, when one is named) */
  source: MovableVisit | null;
  /** the school has a visit (of any status) in the target week */
  targetTaken: boolean;
  /** the school's nameplate supervisor */
  ownerCode: string | null;
}

/** One round trip: the visit to move, whether the target week is taken, and who the school's supervisor is. */
export async function moveFacts(db: Db, schoolCode: string, fromWeek: IsoWeek, target: IsoWeek, visitor: string | null): Promise<MoveFacts> {
  const [source, taken, owner] = await db.batch([
    db
      .select({ id: assignments.id, week: assignments.week, supervisorCode: assignments.supervisorCode, reason: assignments.reason, topic: assignments.topic, orderId: assignments.orderId })
      .from(assignments)
      .where(
        and(
          eq(assignments.schoolCode, schoolCode),
          eq(assignments.status, "planned"),
          gte(assignments.week, fromWeek),
          visitor === null ? undefined : eq(assignments.supervisorCode, visitor),
        ),
      )
      .orderBy(asc(assignments.week), asc(assignments.id))
      .limit(1),
    db.select({ taken: assignments.id }).from(assignments).where(and(eq(assignments.schoolCode, schoolCode), eq(assignments.week, target))).limit(1),
    db.select({ ownerCode: schools.supervisorCode }).from(schools).where(eq(schools.code, schoolCode)),
  ]);
  return { source: source[0] ?? null, targetTaken: taken.length > 0, ownerCode: owner[0]?.ownerCode ?? null };
}

/** The new row exists only when the old one was really moved by this batch (not reported or moved meanwhile): a conditional insert drizzle cannot express. */
const INSERT_MOVED_SQL = `INSERT INTO assignments (week, supervisor_code, school_code, reason, topic, order_id, status, note, created_at, updated_at)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'planned', ?7, ?8, ?8
  WHERE EXISTS (SELECT 1 FROM assignments WHERE id = ?9 AND status = 'moved' AND moved_to_week = ?1 AND updated_at = ?8)
  ON CONFLICT(week, supervisor_code, school_code) DO NOTHING`;

/**
 * The two writes of a move, for one unit of work: the old row becomes `moved` (moved_to_week, note = the reason) if
 * still planned; a new `planned` row in the target week with the same supervisor, reason, topic and order (note
 * `moved_from:<week>`), only if that first write applied.
 */
export function moveStatements(d1: D1Database, db: Db, source: MovableVisit, schoolCode: string, target: IsoWeek, reason: string, nowMs: number) {
  return [
    db
      .update(assignments)
      .set({ status: "moved", movedToWeek: target, note: reason, updatedAt: nowMs })
      .where(and(eq(assignments.id, source.id), eq(assignments.status, "planned"))),
    d1
      .prepare(INSERT_MOVED_SQL)
      .bind(target, source.supervisorCode, schoolCode, source.reason, source.topic, source.orderId, `moved_from:${source.week}`, nowMs, source.id),
  ] as const;
}
