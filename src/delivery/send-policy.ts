import { FeishuApiError } from "../feishu/client.ts";
import { DEDUPE_WINDOW_MS, EXPIRED_PREFIX, mayHaveArrived, UNSURE_PREFIX } from "./give-up.ts";

/** The retry policy of send.ts (pure): attempt timeouts, backoff, what a failure means, whose rate limit a row counts against. */
/** base of the exponential backoff for 5xx and network errors from the second retry on */
export const DEFAULT_BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 10 * 60 * 1000;
/** without `x-ogw-ratelimit-reset` (e.g. 230020), a rate-limit answer waits out the per-second window */
const RATE_LIMIT_DEFAULT_WAIT_MS = 1_000;
/** Workers allow 6 simultaneous open connections per invocation. */
export const MAX_IN_FLIGHT = 6;
/**
 * How long one attempt waits for Feishu's answer before it is given up (aborted, retried later with the
 * same uuid: Feishu drops a repeat within an hour): 500 ms, or after an attempt that timed out or failed
 * on the network (`previousError`), twice as long per attempt up to the 8 s request timeout. So one slow
 * answer holds its batch (and, locally, the next batch) for at most half a second, while a recipient that
 * is slow every time still gets longer and longer to answer instead of running out of attempts.
 */
export function attemptTimeoutMs(attempts: number, previousError: string | null = null, firstMs = FIRST_ATTEMPT_TIMEOUT_MS): number {
  if (previousError === null || !previousError.startsWith("network:")) return firstMs;
  return Math.min(firstMs * 2 ** Math.max(0, attempts - 1), Math.max(8_000, firstMs));
}
export const FIRST_ATTEMPT_TIMEOUT_MS = 500;
/** a send this much later than its slot is planned again */
export const LATE_MS = 250;

export interface OutboxRow {
  id: number;
  uuid: string;
  operation: "send" | "reply" | "update" | "card_update";
  receive_id_type: "open_id" | "chat_id" | null;
  receive_id: string | null;
  target_message_id: string | null;
  msg_type: "text" | "interactive" | "file" | "image";
  content: string;
  attempts: number;
  /** the error of the row's previous attempt, if it failed */
  last_error: string | null;
  /** when delivery gives up on it (give-up.ts); null only for rows written before migration 0006 */
  give_up_at: number | null;
  /** the first attempt that may have reached Feishu (its uuid window starts there) */
  maybe_sent_at: number | null;
}

/**
 * How long to wait before the next attempt after a failure:
 * - rate limited (429 / 99991400 / 230020): exactly what `x-ogw-ratelimit-reset` says, or 1 s (the
 *   per-second windows) when it says nothing; the shared limiter spaces the retries, so no jitter;
 * - an expired token: at once (the client dropped the cached token; the next attempt fetches a new one);
 * - 5xx and network errors: the first retry at once (the next batch), then exponential with
 *   "equal jitter" (half fixed, half random) from `baseMs`, capped at 10 minutes. Only a run of server
 *   errors backs off: a 5xx after a rate-limit answer (`previousError`, the row's last error) is
 *   retried at once like a first one, not after the 429s' attempts counted as server failures.
 */
export function backoffMs(attempts: number, error: unknown, baseMs = DEFAULT_BACKOFF_BASE_MS, random: () => number = Math.random, previousError?: string | null): number {
  if (error instanceof FeishuApiError && error.rateLimited) return Math.min(error.retryAfterMs ?? RATE_LIMIT_DEFAULT_WAIT_MS, BACKOFF_CAP_MS);
  if (error instanceof FeishuApiError && error.tokenInvalid) return 0;
  if (attempts <= 1) return 0;
  if (previousError !== undefined && !isServerErrorText(previousError)) return 0;
  const exponential = Math.min(baseMs * 2 ** (attempts - 2), BACKOFF_CAP_MS);
  return exponential / 2 + (exponential / 2) * random();
}

export type Outcome =
  | { kind: "sent"; messageId: string | undefined }
  | { kind: "failed"; error: unknown; delayMs: number; maybeSentAt: number | null }
  /** `reason`: the stored last_error, prefixed with why delivery gave up when it was not Feishu's refusal (give-up.ts) */
  | { kind: "dead"; error: unknown; reason: string };

/** Whether a stored error text (errorText) was a server or network failure. */
const isServerErrorText = (text: string | null) => text !== null && /^(feishu 5\d\d|network:)/.test(text);

/** The row's time limits at the moment an attempt failed. */
export interface Limits {
  nowMs: number;
  /** the row's give_up_at */
  giveUpAt: number;
  /** the first earlier attempt that may have reached Feishu, if any */
  maybeSentAt: number | null;
}

/**
 * What to do after a failed attempt (pure). `previousError`: the row's last error before this attempt.
 * A refusal Feishu would repeat dies at once. Otherwise the row waits its backoff, but never past its
 * deadline nor past the end of Feishu's uuid window when an attempt may have arrived (one last attempt
 * is made just before either); a failure at or after them is the end.
 */
export function classifyFailure(
  error: unknown,
  attempts: number,
  baseMs: number,
  random: () => number = Math.random,
  previousError?: string | null,
  limits?: Limits,
): Outcome {
  const text = errorText(error);
  const retryable = !(error instanceof FeishuApiError) || error.retryable;
  if (!retryable) return { kind: "dead", error, reason: text };
  let delayMs = backoffMs(attempts, error, baseMs, random, previousError);
  if (!limits) return { kind: "failed", error, delayMs, maybeSentAt: null };
  const maybeSentAt = limits.maybeSentAt ?? (error instanceof FeishuApiError && mayHaveArrived(error.message, error.status, error.path) ? limits.nowMs : null);
  if (limits.nowMs >= limits.giveUpAt - LAST_CHANCE_MS) return { kind: "dead", error, reason: `${EXPIRED_PREFIX}${text}` };
  if (maybeSentAt !== null && limits.nowMs >= maybeSentAt + DEDUPE_WINDOW_MS - LAST_CHANCE_MS) return { kind: "dead", error, reason: `${UNSURE_PREFIX}${text}` };
  delayMs = Math.min(delayMs, limits.giveUpAt - LAST_CHANCE_MS - limits.nowMs);
  if (maybeSentAt !== null) delayMs = Math.min(delayMs, maybeSentAt + DEDUPE_WINDOW_MS - LAST_CHANCE_MS - limits.nowMs);
  return { kind: "failed", error, delayMs: Math.max(0, delayMs), maybeSentAt };
}

/** the last attempt before a deadline is planned this long before it */
const LAST_CHANCE_MS = 1_000;

/**
 * Whose 5-per-second limit a row counts against (Feishu: 5/s to one user, 5/s per group chat shared
 * by all bots): the user for an open_id send, the chat for a chat_id send and for a reply (the outbox
 * keeps the replied-to message's chat in receive_id), the message for a PATCH (5/s per message).
 */
export function recipientOf(row: Pick<OutboxRow, "receive_id" | "target_message_id" | "operation">): string {
  if (row.operation === "card_update") return "card_update";
  if (row.operation === "update") return `message:${row.target_message_id ?? ""}`;
  return row.receive_id ?? row.target_message_id ?? "";
}

/** A stored error text: the message, at most 300 characters. */
export const errorText = (error: unknown) => String(error instanceof Error ? error.message : error).slice(0, 300);
