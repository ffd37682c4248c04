import type { Bindings } from "../env.ts";
import { sha256Hex } from "../feishu/crypto.ts";
import { chunkForJson } from "../db/client.ts";
import type { BatchCondition, Writable } from "../db/statements.ts";
import { parseState, readStateStatements, reservationsMade, type LimiterState } from "./rate-limit.ts";
import { maxAgeMs } from "./give-up.ts";
import { CLAIMED_COLUMNS, recipientOf, type OutboxRow } from "./send.ts";
import { meet, type BarrierVars } from "../test-barrier.ts";

/**
 * The transactional outbox: a change and the messages it causes are written
 * in one D1 batch, then the rows' uuids are queued for delivery.
 */

export type { BatchCondition, Writable } from "../db/statements.ts";

/** `replyTo` with `inChat`: the chat of the message replied to, whose 5-per-second limit the reply counts against. */
export type Recipient = { openId: string } | { chatId: string } | { replyTo: string; inChat?: string } | { updateMessage: string } | { callbackToken: string };

export interface OutboundMessage {
  /** What the message is about, unique per message (e.g. `reply:om_x:1`, `plan:2026-W48:S001`). Its hash is Feishu's uuid. */
  key: string;
  to: Recipient;
  msgType: "text" | "interactive" | "file" | "image";
  /** a card object, `{ text }` for text messages, `{ file_name, csv }` for a file the consumer uploads first (`{ png_base64 }` an image) */
  content: unknown;
  /** written to the outbox only if this holds when the batch runs (e.g. "my guarded change applied") */
  onlyIf?: BatchCondition;
}

const exists = (condition: BatchCondition) => `${condition.absent ? "NOT " : ""}EXISTS (${condition.sql})`;

export type { OutboxQueueMessage } from "./queue-message.ts";

/** Feishu's uuid (≤ 50 characters) derived from what the message is about. */
export async function messageUuid(key: string): Promise<string> {
  return (await sha256Hex(key)).slice(0, 32);
}

interface OutboxRowInput {
  uuid: string;
  operation: "send" | "reply" | "update" | "card_update";
  receive_id_type: "open_id" | "chat_id" | null;
  receive_id: string | null;
  target_message_id: string | null;
  msg_type: string;
  content: string;
  ref: string;
  /** how long after it is written delivery gives up on it (give-up.ts) */
  max_age: number;
  /** when: set by outboxStatements */
  give_up_at?: number;
}

async function toRow(message: OutboundMessage): Promise<OutboxRowInput> {
  const base = {
    uuid: await messageUuid(message.key),
    msg_type: message.msgType,
    content: JSON.stringify(message.content),
    ref: message.key,
    receive_id_type: null,
    receive_id: null,
    target_message_id: null,
  };
  const withAge = (row: Omit<OutboxRowInput, "max_age">): OutboxRowInput => ({ ...row, max_age: maxAgeMs(row) });
  const to = message.to;
  if ("openId" in to) return withAge({ ...base, operation: "send", receive_id_type: "open_id", receive_id: to.openId });
  if ("chatId" in to) return withAge({ ...base, operation: "send", receive_id_type: "chat_id", receive_id: to.chatId });
  // A reply keeps its chat in receive_id (only the rate limiter reads it; Feishu gets the message id).
  if ("replyTo" in to) return withAge({ ...base, operation: "reply", target_message_id: to.replyTo, ...(to.inChat ? { receive_id_type: "chat_id" as const, receive_id: to.inChat } : {}) });
  if ("updateMessage" in to) return withAge({ ...base, operation: "update", target_message_id: to.updateMessage });
  return withAge({ ...base, operation: "card_update", target_message_id: to.callbackToken });
}

const INSERT_OUTBOX_SQL = `INSERT INTO outbox (uuid, operation, receive_id_type, receive_id, target_message_id, msg_type, content, ref, give_up_at, state, attempts, next_attempt_at, created_at, updated_at)
SELECT json_extract(value, '$.uuid'), json_extract(value, '$.operation'), json_extract(value, '$.receive_id_type'),
       json_extract(value, '$.receive_id'), json_extract(value, '$.target_message_id'), json_extract(value, '$.msg_type'),
       json_extract(value, '$.content'), json_extract(value, '$.ref'), json_extract(value, '$.give_up_at'), 'pending', 0, ?1, ?1, ?1
FROM json_each(?2) WHERE true
ON CONFLICT(uuid) DO NOTHING`;

/** Fast-path rows are born claimed (`sending`, first attempt) and returned, so the committing invocation sends them without a claim. */
const INSERT_CLAIMED_OUTBOX_SQL = `${INSERT_OUTBOX_SQL.replace("'pending', 0, ?1", "'sending', 1, ?1")}
RETURNING ${CLAIMED_COLUMNS}`;

/**
 * Statements that add the messages to the outbox (a handful, whatever the count; more for each condition), plus their uuids.
 * With `fast`, the messages marked so are inserted as claimed by this invocation; `fastStatements` are the indexes of their
 * statements (whose results are the rows actually inserted) and `fastRecipients` whose rate limits they count against.
 */
export async function outboxStatements(d1: D1Database, messages: readonly OutboundMessage[], nowMs: number, fast: readonly boolean[] = []) {
  // A message's age counts from when it is really written: a unit of work's "now" may lie in the past (a job
  // caught up, an event recovered, a test's chosen date), and delivery happens in the real present.
  const writtenAt = Math.max(nowMs, Date.now());
  // A delayed card update's age counts from its callback (the unit's "now"): the callback's token does (give-up.ts).
  const rows = (await Promise.all(messages.map(toRow))).map((row) => ({ ...row, give_up_at: (row.operation === "card_update" ? nowMs : writtenAt) + row.max_age }));
  const groups = new Map<string, { condition: BatchCondition | undefined; claimed: boolean; rows: OutboxRowInput[] }>();
  const conditionIds = new Map<BatchCondition | undefined, number>();
  messages.forEach((message, i) => {
    if (!conditionIds.has(message.onlyIf)) conditionIds.set(message.onlyIf, conditionIds.size);
    const key = `${conditionIds.get(message.onlyIf)}:${fast[i] ? 1 : 0}`;
    const group = groups.get(key) ?? { condition: message.onlyIf, claimed: fast[i] === true, rows: [] };
    group.rows.push(rows[i]!);
    groups.set(key, group);
  });
  const statements: D1PreparedStatement[] = [];
  const fastStatements: number[] = [];
  for (const { condition, claimed, rows: group } of groups.values()) {
    const sql = claimed ? INSERT_CLAIMED_OUTBOX_SQL : INSERT_OUTBOX_SQL;
    for (const chunk of chunkForJson(group)) {
      if (claimed) fastStatements.push(statements.length);
      // A condition's bare `?`s are numbered after ?1 and ?2, which come first in the statement's text.
      statements.push(
        condition
          ? d1.prepare(sql.replace("WHERE true", `WHERE ${exists(condition)}`)).bind(nowMs, JSON.stringify(chunk), ...condition.params)
          : d1.prepare(sql).bind(nowMs, JSON.stringify(chunk)),
      );
    }
  }
  const fastRecipients = rows.filter((_, i) => fast[i]).map((row) => recipientOf(row));
  return { statements, uuids: rows.map((row) => row.uuid), fastStatements, fastRecipients };
}

/** Whether a condition held inside a committed batch (see `UnitOfWork.probe`); undefined before the commit. */
export interface Probe {
  held: boolean | undefined;
}

const QUEUE_BATCH = 100;

/** Hands uuids to the delivery queue. If this fails the sweeper finds the pending rows later. */
export async function enqueueDelivery(env: Pick<Bindings, "OUTBOX">, uuids: readonly string[], delaySeconds = 0): Promise<void> {
  for (let i = 0; i < uuids.length; i += QUEUE_BATCH) {
    await env.OUTBOX.sendBatch(
      uuids.slice(i, i + QUEUE_BATCH).map((uuid) => ({ body: { uuid } })),
      delaySeconds > 0 ? { delaySeconds } : undefined,
    );
  }
}

/** At most this many messages of one unit of work take the fast path (the rest go by the queue). */
export const FAST_PATH_MAX = 6;

/**
 * Which messages of an answering unit of work (a command, a card action) are sent at once by the
 * invocation that committed them: all of them when there are only a few (the reply, an order card to
 * the school's supervisor), else only the answers themselves (replies, card updates) — a command that
 * fans out (`plan send`) answers at once and leaves the fan-out to the queue.
 */
export function fastPathSelection(messages: readonly OutboundMessage[]): boolean[] {
  if (messages.length <= FAST_PATH_MAX) return messages.map(() => true);
  let taken = 0;
  return messages.map((message) => {
    const answer = "replyTo" in message.to || "updateMessage" in message.to || "callbackToken" in message.to || message.key.startsWith("reply:");
    return answer && taken++ < FAST_PATH_MAX;
  });
}

/** How an answering unit of work hands its fast-path messages on after the commit (fast-path.ts). */
export interface FastPath {
  /** takes a place among this isolate's fast sends; false when it is busy (the answers then go by the queue) */
  tryBegin(): boolean;
  /** gives the place back unused (nothing to send, or the commit failed) */
  cancel(): void;
  /** sends the rows the commit inserted already claimed, with the limiter state read in the same batch; gives the place back */
  deliver(rows: OutboxRow[], limiter: LimiterState): Promise<void>;
  /** the invocation's waitUntil; without it the commit awaits the sends (already after the response) */
  waitUntil?: (promise: Promise<unknown>) => void;
}

function toStatement(d1: D1Database, item: Writable): D1PreparedStatement {
  if ("toSQL" in item && typeof item.toSQL === "function") {
    const { sql, params } = item.toSQL();
    return d1.prepare(sql).bind(...params);
  }
  return item as D1PreparedStatement;
}

/**
 * Collects a handler's writes and messages and commits them in one D1 batch,
 * so a crash can neither lose a message nor send one for a change that did not happen.
 */
export class UnitOfWork {
  private readonly writes: Writable[] = [];
  private readonly messages: OutboundMessage[] = [];
  private readonly requeued: string[] = [];
  private readonly probes: { probe: Probe; index: number }[] = [];
  private readonly d1: D1Database;
  private readonly env: Pick<Bindings, "OUTBOX"> & BarrierVars;
  private readonly nowMs: number;
  private fastPath: FastPath | undefined;
  private point: string | undefined;

  constructor(d1: D1Database, env: Pick<Bindings, "OUTBOX"> & BarrierVars, nowMs: number) {
    this.d1 = d1;
    this.env = env;
    this.nowMs = nowMs;
  }

  /** A new, empty unit of work like this one (same clock, same fast path), e.g. to retry a commit. */
  fresh(): UnitOfWork {
    const unit = new UnitOfWork(this.d1, this.env, this.nowMs);
    unit.fastPath = this.fastPath;
    return unit;
  }

  /** Marks this unit as answering a user: its answers are sent right after the commit (see fastPathSelection). */
  answering(fastPath: FastPath): this {
    this.fastPath = fastPath;
    return this;
  }

  /**
   * Names the point where this unit decides on state it read (e.g. `order:<number>`): in tests (TEST_BARRIER_URL,
   * src/test-barrier.ts) the commit first meets the test's barrier there, so two requests can be made to commit
   * against the same read state. Costs nothing in production (the var is unset).
   */
  criticalPoint(point: string): this {
    this.point = point;
    return this;
  }

  write(...items: Writable[]): this {
    this.writes.push(...items);
    return this;
  }

  send(...messages: OutboundMessage[]): this {
    this.messages.push(...messages);
    return this;
  }

  /** Checks `condition` in the batch, after the writes queued so far; the answer is on the probe once committed. */
  probe(condition: BatchCondition): Probe {
    const probe: Probe = { held: undefined };
    this.probes.push({ probe, index: this.writes.length });
    this.writes.push(this.d1.prepare(`SELECT ${exists(condition)} AS held`).bind(...condition.params));
    return probe;
  }

  /** Queues existing outbox rows again after the commit (e.g. dead rows a manager retries; the consumer claims by state). */
  requeue(...uuids: string[]): this {
    this.requeued.push(...uuids);
    return this;
  }

  get pendingMessages(): readonly OutboundMessage[] {
    return this.messages;
  }

  /** Commits everything; returns the D1 results of the writes (in order), without the outbox inserts. */
  async commit(): Promise<D1Result[]> {
    if (this.point !== undefined && this.env.TEST_BARRIER_URL) await meet(this.env.TEST_BARRIER_URL, this.point);
    const fastPath = this.fastPath && this.messages.length > 0 && this.fastPath.tryBegin() ? this.fastPath : undefined;
    let handedOver = false;
    try {
      const fast = fastPath ? fastPathSelection(this.messages) : this.messages.map(() => false);
      const { statements: outboxInserts, uuids, fastStatements, fastRecipients } = await outboxStatements(this.d1, this.messages, this.nowMs, fast);
      const writes = this.writes.map((item) => toStatement(this.d1, item));
      // the limiter's state for the fast sends rides in the same batch (one round trip fewer before the send)
      const limiterRead = fastPath && fastRecipients.length > 0 ? readStateStatements(this.d1, fastRecipients, this.nowMs) : [];
      const all = [...writes, ...outboxInserts, ...limiterRead];
      const generation = reservationsMade();
      const results = all.length > 0 ? await this.d1.batch(all) : [];
      this.writes.length = 0;
      this.messages.length = 0;
      for (const { probe, index } of this.probes.splice(0)) probe.held = (results[index]?.results[0] as { held?: number } | undefined)?.held === 1;
      const claimed = fastStatements.flatMap((index) => (results[writes.length + index]?.results ?? []) as OutboxRow[]).sort((a, b) => a.id - b.id);
      if (fastPath && claimed.length > 0) {
        handedOver = true;
        const sending = fastPath.deliver(claimed, parseState(results.at(-1), generation));
        if (fastPath.waitUntil) fastPath.waitUntil(sending);
        else await sending;
      }
      const queued = [...uuids.filter((_, i) => !fast[i]), ...this.requeued.splice(0)];
      if (queued.length > 0) await enqueueDelivery(this.env, queued);
      return results.slice(0, writes.length);
    } finally {
      if (fastPath && !handedOver) fastPath.cancel();
    }
  }
}
