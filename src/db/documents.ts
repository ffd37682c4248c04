/** Reads for official documents (公文): the problems an order names. No chat platform here. */

export interface OrderProblemRow {
  item: string;
  severity: "minor" | "general" | "serious";
  description: string;
}

/** The visit-report problems the order tracks: linked to it, or the one it was issued for. */
export async function problemsOfOrder(d1: D1Database, order: { id: number; problemId: number | null }): Promise<OrderProblemRow[]> {
  const { results } = await d1
    .prepare("SELECT item, severity, description FROM problems WHERE order_id = ?1 OR id = ?2 ORDER BY id LIMIT 50")
    .bind(order.id, order.problemId ?? -1)
    .all<OrderProblemRow>();
  return results;
}

export interface GoodPracticeRow {
  school: string;
  visitDate: string;
  text: string;
}

/** 典型经验: the good practice supervisors wrote in the period's reports, in the zones given (null: every zone). */
export async function goodPractices(d1: D1Database, from: string, to: string, zoneCodes: readonly string[] | null, limit = 10): Promise<GoodPracticeRow[]> {
  const { results } = await d1
    .prepare(
      `SELECT COALESCE(s.name, r.school_code) AS school, r.visit_date AS visitDate, json_extract(r.data, '$.goodPractice') AS text
       FROM reports r LEFT JOIN schools s ON s.code = r.school_code
       WHERE r.visit_date BETWEEN ?1 AND ?2 AND COALESCE(json_extract(r.data, '$.goodPractice'), '') <> ''
         AND (?3 IS NULL OR s.zone_code IN (SELECT value FROM json_each(?3)))
       ORDER BY r.visit_date, r.id LIMIT ?4`,
    )
    .bind(from, to, zoneCodes ? JSON.stringify(zoneCodes) : null, limit)
    .all<GoodPracticeRow>();
  return results;
}
