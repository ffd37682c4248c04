/**
 * Delivery operations a manager starts: retrying the dead messages of their office's scope. The rows go back to
 * pending in the caller's unit of work and are queued again after its commit.
 */
import type { Services } from "./services.ts";
import type { Actor } from "../db/people.ts";
import { deadRowsInScope, requeueDeadStatement } from "../delivery/dead-rows.ts";
import { deathCause } from "../delivery/give-up.ts";

/** One retry re-queues at most this many dead rows (the rest stay listed for the next one). */
export const RETRY_LIMIT = 3_000;

export type RetryDeadResult = { ok: true; count: number; /** of them, rows that died `unsure`: their recipients may get them twice */ unsure: number } | { ok: false; reason: "nothing" };

/** Dead rows up to `maxId` (the id the status card was built with) in the actor's scope, back to pending with their attempts reset. */
export async function retryDead(services: Services, input: { actor: Actor; maxId: number }): Promise<RetryDeadResult> {
  const dead = await deadRowsInScope(services.d1, input.actor.scope, input.maxId, RETRY_LIMIT, services.nowMs);
  const uuids = dead.map((row) => row.uuid);
  if (uuids.length === 0) return { ok: false, reason: "nothing" };
  services.uow.write(requeueDeadStatement(services.d1, uuids, input.maxId, services.nowMs));
  services.uow.requeue(...uuids);
  const unsure = dead.filter((row) => deathCause(row.lastError) === "unsure").length;
  return { ok: true, count: uuids.length, unsure };
}
