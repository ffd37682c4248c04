/**
 * One JSON line per request, job and delivery. Only ids, routes, outcomes and
 * durations go here: never message text, mobiles or emails.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(fields: LogFields): void;
  error(fields: LogFields, error?: unknown): void;
}

export const logger: Logger = {
  info(fields) {
    console.log(JSON.stringify({ level: "info", ...fields }));
  },
  error(fields, error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : error === undefined ? undefined : String(error);
    console.log(JSON.stringify({ level: "error", ...fields, error: detail }));
  },
};

/** A short id users can quote and operators can grep for (`ref` in every log line). */
export function newRequestId(): string {
  return crypto.randomUUID().replace(/-/g, "").slice(0, 12);
}
