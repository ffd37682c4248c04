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
