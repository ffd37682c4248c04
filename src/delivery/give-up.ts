/**
 * When delivery gives up on a message, and why (pure; no I/O).
 *
 * A message is retried for as long as it is still worth sending, not a number of times: an answer to a
 * person's command for 2 hours after it was written, anything else (weekly plan, digest, reminders,
 * order cards, fan-outs) for 24 hours. An outage of a minute or an hour loses nothing.
 *
 * Feishu drops a repeated `uuid` only within one hour (../shared/docs/feishu.md, Sending): an attempt
 * that may have reached Feishu (it timed out, or the connection was lost after the request went out) may
 * be repeated only within that hour of the first such attempt; after it, a resend could arrive twice, so
 * the row dies with the cause `unsure` instead.
 */

export const ANSWER_MAX_AGE_MS = 2 * 60 * 60 * 1000;
/**
 * A delayed card update (card_update) uses its callback's token, which lasts 30 minutes from the click (延时更新消息卡片:
 * "token 有效期为 30 分钟"): after that every attempt is refused (300030). Its deadline counts from the callback
 * (the unit of work's "now", outbox.ts), a minute short of the token's end.
 */
export const CARD_UPDATE_MAX_AGE_MS = 29 * 60 * 1000;
export const SCHEDULED_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Feishu's uuid dedupe lasts one hour; stop resending 5 minutes before it ends. */
export const DEDUPE_WINDOW_MS = 55 * 60 * 1000;

/** Whether a message answers a person (a reply, a card update, or a unit of work's `reply:` message). */
export function isAnswer(row: { operation: string; ref?: string | null }): boolean {
  return row.operation === "reply" || row.operation === "update" || row.operation === "card_update" || (row.ref ?? "").startsWith("reply:");
}

/** How long a message is retried after it was written. */
export function maxAgeMs(row: { operation: string; ref?: string | null }): number {
  if (row.operation === "card_update") return CARD_UPDATE_MAX_AGE_MS;
  return isAnswer(row) ? ANSWER_MAX_AGE_MS : SCHEDULED_MAX_AGE_MS;
}

/** The same rule in SQL, over the outbox row's own columns (for rows given up on or retried in bulk). */
export const MAX_AGE_SQL = `(CASE WHEN operation = 'card_update' THEN ${CARD_UPDATE_MAX_AGE_MS} WHEN operation IN ('reply', 'update') OR ref LIKE 'reply:%' THEN ${ANSWER_MAX_AGE_MS} ELSE ${SCHEDULED_MAX_AGE_MS} END)`;
/** A row's deadline in SQL (rows written before migration 0006 have none: from created_at). */
export const GIVE_UP_AT_SQL = `COALESCE(give_up_at, created_at + ${MAX_AGE_SQL})`;

/** Prefixes of `last_error` that say why the delivery gave up (the Feishu error, if any, follows). */
export const EXPIRED_PREFIX = "expired: ";
export const UNSURE_PREFIX = "unsure: ";

/**
 * Why a dead row died, from its `last_error`:
 * - `unavailable`: Feishu's 230013, the person is outside the app's availability range (可用范围) or has left;
 * - `expired`: still failing when its time was up;
 * - `unsure`: an attempt may have arrived and Feishu's uuid window is over, so it is not sent again;
 * - `rejected`: Feishu refused it for good (bad receive_id, a card it cannot render …);
 * - `retryable`: a transient error (5xx, network, rate limit, token): a row that died of one (before
 *   migration 0006, by count) is revived by the sweeper while it is still within its age.
 */
export type DeathCause = "unavailable" | "expired" | "unsure" | "rejected" | "retryable";

export const NO_AVAILABILITY_CODE = 230013;

export function deathCause(lastError: string | null): DeathCause {
  const text = lastError ?? "";
  if (text.startsWith(EXPIRED_PREFIX)) return "expired";
  if (text.startsWith(UNSURE_PREFIX)) return "unsure";
  if (new RegExp(`\\bcode ${NO_AVAILABILITY_CODE}\\b`).test(text)) return "unavailable";
  if (isTransientErrorText(text)) return "retryable";
  return "rejected";
}

/** Whether a stored error text is one a later attempt may not meet: 5xx, network, rate limits, an expired token. */
export function isTransientErrorText(text: string): boolean {
  return /^(feishu 5\d\d|feishu 429|network:)/.test(text) || /\bcode (99991400|230020|99991663|99991661)\b/.test(text);
}

/**
 * Whether an attempt that failed this way may nevertheless have reached Feishu: the message request was
 * given up while waiting (timeout) or its connection failed, possibly after the request went out. Not:
 * any answer from Feishu (it said what it did), a failure of another request before the message's own
 * (the tenant token, a file upload: `path`), a connection refused or a name not resolved. workerd reports
 * a refused connection as "Network connection lost." too, so such a failure counts as possibly arrived.
 */
export function mayHaveArrived(errorMessage: string, status: number, path?: string): boolean {
  if (status !== 0) return false;
  if (path !== undefined && !/^\/open-apis\/(im\/v1\/messages|interactive\/)/.test(path)) return false;
  return !/refused|ECONNREFUSED|ENOTFOUND|DNS/i.test(errorMessage);
}
