/** What a unit of work (delivery/outbox.ts UnitOfWork) takes from storage: statements to run and conditions to check, in one D1 batch. */

/** Anything `db.batch` can run: a drizzle query builder (via toSQL) or a raw D1 statement. */
export type Writable = D1PreparedStatement | { toSQL(): { sql: string; params: unknown[] } };

/**
 * A condition checked inside the commit's batch, after the writes: `sql` is a SELECT with `?` parameters
 * (`params`); it holds when the SELECT returns a row, or, with `absent`, when it returns none.
 */
export interface BatchCondition {
  sql: string;
  params: unknown[];
  absent?: boolean;
}
