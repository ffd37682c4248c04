/** Leaves: the first registered leave a new one would overlap, the visits planned in its weeks, and storing one. */
import { and, asc, between, count, eq, gte, lte } from "drizzle-orm";
import type { IsoWeek } from "../domain/time.ts";
import type { Db } from "./client.ts";
import { assignments, leaves } from "./schema.ts";

export interface LeaveClash {
  /** the first registered leave of the person overlapping the dates, if any */
  overlap: { fromDate: string; toDate: string } | null;
  /** the person's planned visits in the weeks the dates touch */
  planned: number;
}

/** One round trip: the overlap with a registered leave of `personCode`, and the visits planned from `fromWeek` to `toWeek`. */
export async function leaveClash(db: Db, personCode: string, from: string, to: string, fromWeek: IsoWeek, toWeek: IsoWeek): Promise<LeaveClash> {
  const [overlap, planned] = await db.batch([
    db
      .select({ fromDate: leaves.fromDate, toDate: leaves.toDate })
      .from(leaves)
      .where(and(eq(leaves.personCode, personCode), gte(leaves.toDate, from), lte(leaves.fromDate, to)))
      .orderBy(asc(leaves.fromDate))
      .limit(1),
    db
      .select({ n: count() })
      .from(assignments)
      .where(and(eq(assignments.supervisorCode, personCode), eq(assignments.status, "planned"), between(assignments.week, fromWeek, toWeek))),
  ]);
  return { overlap: overlap[0] ?? null, planned: Number(planned[0]?.n ?? 0) };
}

/** The statement that stores a leave (for a unit of work). */
export function insertLeave(db: Db, leave: { personCode: string; fromDate: string; toDate: string; reason: string; createdBy: string; createdAt: number }) {
  return db.insert(leaves).values(leave);
}
