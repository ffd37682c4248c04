/** The `outbox` command's figures: delivery in the asking manager's scope. */
import { outboxStatus, type OutboxStatus } from "../db/outbox-status.ts";
import type { Actor } from "../db/people.ts";
import type { Services } from "./services.ts";

const LAST_ERRORS = 8;

/** Counts by state, the newest dead id (for the retry button) and the last errors, of messages to people in `actor`'s scope. */
export async function deliveryStatus(services: Pick<Services, "d1">, actor: Actor): Promise<OutboxStatus> {
  return outboxStatus(services.d1, actor.scope, LAST_ERRORS);
}

/** what the status answer renders (its rows and states), for the command */
export { OUTBOX_STATES, type OutboxErrorRow, type OutboxState } from "../db/outbox-status.ts";
