/**
 * Order lists: who may see which orders, one page of a filtered list with the counts, and the zone / supervisor
 * lookups a list's scope is named by (re-exported by orders.ts).
 */
import type { Actor } from "./people.ts";
import { countOrders, matchesFilter, PAGE_SIZE, type ListRow, type ListScope, type OrderFilter, type OrderList } from "../domain/orders.ts";
import { scopeParam } from "../domain/offices.ts";
import { zoneInScopeSqlPositional } from "./offices.ts";

export type { ListRow, ListScope, OrderList } from "../domain/orders.ts";

/** What `actor` may see: managers their office's scope, supervisors their nameplate schools, contacts their school. */
function visibility(actor: Actor): { sql: string; params: (string | null)[] } | null {
  if (actor.role === "manager" || actor.role === "admin") {
    if (actor.scope.districts === null) return { sql: "", params: [] };
    const param = scopeParam(actor.scope);
    return { sql: ` AND ${zoneInScopeSqlPositional("s.zone_code")}`, params: [param, param] };
  }
  if (actor.role === "supervisor") return { sql: " AND s.supervisor_code = ?", params: [actor.code] };
  if (actor.role === "school_contact" && actor.schoolCode) return { sql: " AND o.school_code = ?", params: [actor.schoolCode] };
  return null;
}

/** Counts over every order in scope, and one page of those matching `filter`, sorted by due date. */
export async function listOrders(d1: D1Database, actor: Actor, scope: ListScope, filter: OrderFilter, today: string, page: number): Promise<OrderList> {
  const visible = visibility(actor);
  if (!visible) return { counts: countOrders([], today), rows: [], matching: 0 };
  let sql = `SELECT o.number, o.kind, o.school_code AS schoolCode, COALESCE(s.name, o.school_code) AS schoolName, o.due_date AS dueDate, o.status
    FROM orders o LEFT JOIN schools s ON s.code = o.school_code WHERE 1 = 1${visible.sql}`;
  const params: (string | null)[] = [...visible.params];
  if (scope.kind === "zone") sql += " AND s.zone_code = ?";
  if (scope.kind === "school") sql += " AND o.school_code = ?";
  if (scope.kind === "supervisor") sql += " AND s.supervisor_code = ?";
  if (scope.kind !== "all") params.push(scope.code);
  sql += " ORDER BY o.due_date, o.id";
  const { results } = await d1.prepare(sql).bind(...params).all<ListRow>();
  const matching = results.filter((row) => matchesFilter(row, filter, today));
  return { counts: countOrders(results, today), rows: matching.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE), matching: matching.length };
}

/** A zone named by its code (any case) or its exact name. */
export async function zoneByCodeOrName(d1: D1Database, needle: string): Promise<{ code: string; name: string } | null> {
  return d1.prepare("SELECT code, name FROM zones WHERE code = ?1 COLLATE NOCASE OR name = ?1 LIMIT 1").bind(needle).first<{ code: string; name: string }>();
}

/** Up to two active supervisors named by code (any case) or exact name: one means the name is unambiguous. */
export async function supervisorsByCodeOrName(d1: D1Database, needle: string): Promise<{ code: string; name: string }[]> {
  const { results } = await d1
    .prepare("SELECT code, name FROM people WHERE role = 'supervisor' AND active = 1 AND (code = ?1 COLLATE NOCASE OR name = ?1) LIMIT 2")
    .bind(needle)
    .all<{ code: string; name: string }>();
  return results;
}
