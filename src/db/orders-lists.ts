/**
 * Order lists: who may see which orders, one page of a filtered list with the counts, and the zone / supervisor
 * lookups a list's scope is named by (re-exported by orders.ts).
 */
import { and, asc, eq, or, sql, type SQL } from "drizzle-orm";
import type { Actor } from "./people.ts";
import { countOrders, matchesFilter, PAGE_SIZE, type ListRow, type ListScope, type OrderFilter, type OrderList } from "../domain/orders.ts";
import { openDb } from "./client.ts";
import { zoneInScopeWhere } from "./offices.ts";
import { orders, people, schools, zones } from "./schema.ts";

export type { ListRow, ListScope, OrderList } from "../domain/orders.ts";

/**
 * What `actor` may see (undefined: everything): managers their office's scope (the district-level zones of its
 * districts, as offices.ts's zoneInScopeSql), supervisors their nameplate schools, contacts their school; null: nothing.
 */
function visibility(actor: Actor): SQL | undefined | null {
  if (actor.role === "manager" || actor.role === "admin") return zoneInScopeWhere(schools.zoneCode, actor.scope);
  if (actor.role === "supervisor") return eq(schools.supervisorCode, actor.code);
  if (actor.role === "school_contact" && actor.schoolCode) return eq(orders.schoolCode, actor.schoolCode);
  return null;
}

/** The list's own narrowing: one zone's, school's or supervisor's orders. */
function narrowing(scope: ListScope): SQL | undefined {
  if (scope.kind === "zone") return eq(schools.zoneCode, scope.code);
  if (scope.kind === "school") return eq(orders.schoolCode, scope.code);
  if (scope.kind === "supervisor") return eq(schools.supervisorCode, scope.code);
  return undefined;
}

/** Counts over every order in scope, and one page of those matching `filter`, sorted by due date. */
export async function listOrders(d1: D1Database, actor: Actor, scope: ListScope, filter: OrderFilter, today: string, page: number): Promise<OrderList> {
  const db = openDb(d1);
  const visible = visibility(actor);
  if (visible === null) return { counts: countOrders([], today), rows: [], matching: 0 };
  const results: ListRow[] = await db
    .select({
      number: orders.number,
      kind: orders.kind,
      schoolCode: orders.schoolCode,
      schoolName: sql<string>`COALESCE(${schools.name}, ${orders.schoolCode})`,
      dueDate: orders.dueDate,
      status: orders.status,
    })
    .from(orders)
    .leftJoin(schools, eq(schools.code, orders.schoolCode))
    .where(and(visible, narrowing(scope)))
    .orderBy(asc(orders.dueDate), asc(orders.id));
  const matching = results.filter((row) => matchesFilter(row, filter, today));
  return { counts: countOrders(results, today), rows: matching.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE), matching: matching.length };
}

/** A zone named by its code (any case) or its exact name. */
export async function zoneByCodeOrName(d1: D1Database, needle: string): Promise<{ code: string; name: string } | null> {
  const row = await openDb(d1)
    .select({ code: zones.code, name: zones.name })
    .from(zones)
    .where(or(sql`${zones.code} = ${needle} COLLATE NOCASE`, eq(zones.name, needle)))
    .limit(1)
    .get();
  return row ?? null;
}

/** Up to two active supervisors named by code (any case) or exact name: one means the name is unambiguous. */
export async function supervisorsByCodeOrName(d1: D1Database, needle: string): Promise<{ code: string; name: string }[]> {
  return openDb(d1)
    .select({ code: people.code, name: people.name })
    .from(people)
    .where(and(eq(people.role, "supervisor"), eq(people.active, true), or(sql`${people.code} = ${needle} COLLATE NOCASE`, eq(people.name, needle))))
    .limit(2);
}
