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
    console.log(JSON.stringify({ level: "error", ...fields, error: errorDetail(error) }));
  },
};

/** A short id users can quote and operators can grep for (`ref` in every log line). */
export function newRequestId(): string {
  return crypto.randomUUID().replace(/-/g, "").slice(0, 12);
}

/**
 * An error as one log field. A query drizzle ran and D1 refused is a `DrizzleQueryError` whose message carries
 * the bound parameters (names, texts, open_ids): the line keeps only the SQL and the D1 error that caused it.
 */
export function errorDetail(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  if (!(error instanceof Error)) return String(error);
  const failedQuery = /^Failed query: ([\s\S]*?)\nparams: /.exec(error.message);
  if (!failedQuery) return `${error.name}: ${error.message}`;
  const cause = error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : String(error.cause ?? "");
  return `Failed query: ${failedQuery[1]} (parameters not logged); cause: ${cause}`;
}
