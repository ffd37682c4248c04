/** How delivery is going, for the `outbox` command: counts by state and the last errors, of the messages in a manager's scope. */
import type { OfficeScope } from "../domain/offices.ts";
import { outboxInScopeSql, outboxScopeParams } from "./offices.ts";

export const OUTBOX_STATES = ["pending", "sending", "sent", "failed", "dead"] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export interface OutboxErrorRow {
  state: OutboxState;
  ref: string | null;
  attempts: number;
  updated_at: number;
  last_error: string | null;
}

export interface OutboxStatus {
  counts: Partial<Record<OutboxState, number>>;
  /** the newest dead message's id (0 when none): a retry reaches up to it */
  maxDeadId: number;
  errors: OutboxErrorRow[];
}

/** Two queries in one round trip (the scope condition fans out through json_each, so hand-written). */
export async function outboxStatus(d1: D1Database, scope: OfficeScope, lastErrors: number): Promise<OutboxStatus> {
  const [byState, errors] = await d1.batch<Record<string, unknown>>([
    d1
      .prepare(`SELECT state, COUNT(*) AS n, MAX(CASE WHEN state = 'dead' THEN id END) AS max_id FROM outbox WHERE ${outboxInScopeSql(1)} GROUP BY state`)
      .bind(...outboxScopeParams(scope)),
    d1
      .prepare(
        `SELECT state, ref, attempts, updated_at, last_error FROM outbox WHERE last_error IS NOT NULL AND state IN ('failed', 'dead') AND ${outboxInScopeSql(1)}
           ORDER BY updated_at DESC, id DESC LIMIT ?4`,
      )
      .bind(...outboxScopeParams(scope), lastErrors),
  ]);
  const counts: Partial<Record<OutboxState, number>> = {};
  let maxDeadId = 0;
  for (const row of (byState?.results ?? []) as { state: OutboxState; n: number; max_id: number | null }[]) {
    counts[row.state] = row.n;
    if (row.state === "dead") maxDeadId = row.max_id ?? 0;
  }
  return { counts, maxDeadId, errors: (errors?.results ?? []) as unknown as OutboxErrorRow[] };
}
