/** Reads for official documents (公文): the problems an order names. No chat platform here. */
import { and, asc, between, eq, or, sql } from "drizzle-orm";
import { openDb } from "./client.ts";
import { inJson } from "./fragments.ts";
import { problems, reports, schools } from "./schema.ts";

export interface OrderProblemRow {
  item: string;
  severity: "minor" | "general" | "serious";
  description: string;
}

/** The visit-report problems the order tracks: linked to it, or the one it was issued for. */
export async function problemsOfOrder(d1: D1Database, order: { id: number; problemId: number | null }): Promise<OrderProblemRow[]> {
  return openDb(d1)
    .select({ item: problems.item, severity: problems.severity, description: problems.description })
    .from(problems)
    .where(or(eq(problems.orderId, order.id), eq(problems.id, order.problemId ?? -1)))
    .orderBy(asc(problems.id))
    .limit(50);
}

export interface GoodPracticeRow {
  school: string;
  visitDate: string;
  text: string;
}

/** 典型经验: the good practice supervisors wrote in the period's reports, in the zones given (null: every zone). */
export async function goodPractices(d1: D1Database, from: string, to: string, zoneCodes: readonly string[] | null, limit = 10): Promise<GoodPracticeRow[]> {
  const goodPractice = sql`json_extract(${reports.data}, '$.goodPractice')`;
  return openDb(d1)
    .select({ school: sql<string>`COALESCE(${schools.name}, ${reports.schoolCode})`, visitDate: reports.visitDate, text: sql<string>`${goodPractice}` })
    .from(reports)
    .leftJoin(schools, eq(schools.code, reports.schoolCode))
    .where(and(between(reports.visitDate, from, to), sql`COALESCE(${goodPractice}, '') <> ''`, zoneCodes ? inJson(schools.zoneCode, zoneCodes) : undefined))
    .orderBy(asc(reports.visitDate), asc(reports.id))
    .limit(limit);
}
