/**
 * The frame every chat event runs in (events/inbound.ts, events/chat-events.ts): the redelivery check, the claim that
 * commits with the event's effects, the inbox row's deletion, and the one error answer. `d1` is the binding itself
 * (the caller's env.DB), as these always were.
 */
import type { Services } from "./services.ts";
import { claimedStatement, claimStatement, isClaimConflict } from "../db/dedupe.ts";
import { doneInboxStatement, takeDueInbox } from "../db/inbox.ts";
import { actorOf, senderStatement, type Actor } from "../db/people.ts";
import { isTransientD1Error } from "../db/retry.ts";
import { countUseStatement } from "../db/usage.ts";
import type { OutboundMessage } from "../delivery/outbox.ts";

export { isClaimConflict, isTransientD1Error };

/** The event's inbox row goes (nothing more to do for it). */
export async function forgetEvent(d1: D1Database, eventId: string): Promise<void> {
  await doneInboxStatement(d1, eventId).run();
}

/** Whether any of `keys` was claimed already (a redelivery). */
export async function eventClaimed(d1: D1Database, keys: readonly string[]): Promise<boolean> {
  const [claimed] = await d1.batch([claimedStatement(d1, keys)]);
  return (claimed?.results.length ?? 0) > 0;
}

/**
 * The claim and the inbox row's deletion join the event's final batch (after its writes, whose results handlers read
 * by position): they commit with the effects, or a rival's earlier claim fails the whole batch.
 */
export async function commitEvent(services: Services, d1: D1Database, keys: readonly string[], eventId: string): Promise<void> {
  services.uow.write(claimStatement(d1, keys, services.nowMs), doneInboxStatement(d1, eventId));
  await services.uow.commit();
}

/** The error answer claims the event too: a redelivery of a failed command is told once, not failed again. */
export async function commitErrorAnswer(services: Services, d1: D1Database, keys: readonly string[], eventId: string, answer: OutboundMessage): Promise<void> {
  services.uow.write(claimStatement(d1, keys, services.nowMs), doneInboxStatement(d1, eventId));
  services.uow.send(answer);
  await services.uow.commit();
}

export interface MessageFrame {
  claimed: boolean;
  /** this message's number among the sender's messages of the minute */
  uses: number;
  /** the sender as an actor, read only when asked (a manager's office scope is one more read) */
  actor: () => Promise<Actor | null>;
}

/**
 * A message's redelivery check, its sender and how often they wrote this minute, in one batch: one D1 round trip
 * before the command runs, not three.
 */
export async function readMessageFrame(services: Services, d1: D1Database, keys: readonly string[], openId: string, useKey: string, windowMs: number): Promise<MessageFrame> {
  const admins = services.config.ADMIN_OPEN_IDS;
  const [claimed, person, used] = await d1.batch([
    claimedStatement(d1, keys),
    senderStatement(d1, openId, admins.includes(openId)),
    countUseStatement(d1, useKey, services.nowMs, windowMs, keys),
  ]);
  return {
    claimed: (claimed?.results.length ?? 0) > 0,
    uses: (used?.results[0] as { count?: number } | undefined)?.count ?? 1,
    actor: () => actorOf(services.db, person, openId, admins),
  };
}

/** The inbox rows whose live attempt never committed, up to `limit`, and those too old to run (db/inbox.ts). */
export function dueInboxEvents(d1: D1Database, nowMs: number, limit: number) {
  return takeDueInbox(d1, nowMs, limit);
}
