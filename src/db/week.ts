/** One supervisor's visits of one week, follow-ups first, then carried-over ones, then by school code. */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { IsoWeek } from "../domain/time.ts";
import type { Db } from "./client.ts";
import { assignments, schools } from "./schema.ts";

export interface WeekVisit {
  id: number;
  schoolCode: string;
  reason: string;
  topic: string | null;
  status: string;
  schoolName: string | null;
}

export async function visitsOfSupervisorWeek(db: Db, week: IsoWeek, supervisorCode: string): Promise<WeekVisit[]> {
  return db
    .select({ id: assignments.id, schoolCode: assignments.schoolCode, reason: assignments.reason, topic: assignments.topic, status: assignments.status, schoolName: schools.name })
    .from(assignments)
    .leftJoin(schools, eq(schools.code, assignments.schoolCode))
    .where(and(eq(assignments.week, week), eq(assignments.supervisorCode, supervisorCode), inArray(assignments.status, ["planned", "reported", "missed"])))
    .orderBy(sql`CASE ${assignments.reason} WHEN 'follow_up' THEN 0 WHEN 'carried_over' THEN 1 ELSE 2 END`, asc(assignments.schoolCode));
}
