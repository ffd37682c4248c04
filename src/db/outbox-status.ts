/** How delivery is going, for the `outbox` command: counts by state and the last errors, of the messages in a manager's scope. */
import { and, count, desc, inArray, isNotNull, sql } from "drizzle-orm";
import type { OfficeScope } from "../domain/offices.ts";
import { openDb } from "./client.ts";
import { outboxInScopeWhere } from "./offices.ts";
import { outbox } from "./schema.ts";

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

/** Two queries in one round trip (the scope condition fans out through json_each: offices.ts's `outboxInScopeWhere`). */
export async function outboxStatus(d1: D1Database, scope: OfficeScope, lastErrors: number): Promise<OutboxStatus> {
  const db = openDb(d1);
  const inScope = outboxInScopeWhere(outbox.receiveId, scope);
  const [byState, errors] = await db.batch([
    db
      .select({ state: outbox.state, n: count(), maxId: sql<number | null>`MAX(CASE WHEN ${outbox.state} = 'dead' THEN ${outbox.id} END)` })
      .from(outbox)
      .where(inScope)
      .groupBy(outbox.state),
    db
      .select({ state: outbox.state, ref: outbox.ref, attempts: outbox.attempts, updated_at: outbox.updatedAt, last_error: outbox.lastError })
      .from(outbox)
      .where(and(isNotNull(outbox.lastError), inArray(outbox.state, ["failed", "dead"]), inScope))
      .orderBy(desc(outbox.updatedAt), desc(outbox.id))
      .limit(lastErrors),
  ]);
  const counts: Partial<Record<OutboxState, number>> = {};
  let maxDeadId = 0;
  for (const row of byState) {
    counts[row.state] = row.n;
    if (row.state === "dead") maxDeadId = row.maxId ?? 0;
  }
  return { counts, maxDeadId, errors };
}
