/**
 * D1's transient errors, retried with backoff under every path (events, card actions, queue batches, cron jobs):
 * src/index.ts wraps the binding once, so handlers, use cases and storage see a database that rides out a blip.
 *
 * Which errors are transient: Cloudflare's list of D1_ERRORs marks them "retry" in its Recommended action column
 * (developers.cloudflare.com/d1/observability/debug-d1/#error-list; d1/best-practices/retry-queries names
 * "Network connection lost", "storage caused object to be reset", "reset because its code was updated").
 * Everything else (a constraint, bad SQL, a claim lost to a rival delivery) is permanent and thrown at once.
 *
 * A write retried after "Network connection lost" may have been applied already: the batches that matter
 * are guarded (the event's claim, a form's claim, `onlyIf` conditions, state-based claims), so a retry of an
 * applied batch fails on its claim or changes nothing.
 */
const TRANSIENT_D1 = [
  /Network connection lost/i,
  /storage caused object to be reset/i,
  /reset because its code was updated/i,
  /Cannot resolve D1 DB due to transient issue/i,
  /D1 DB is overloaded/i,
  /Too many requests queued/i,
  /D1_ERROR: internal error/i,
  /D1 DB storage operation exceeded timeout/i,
];

export function isTransientD1Error(error: unknown): boolean {
  const message = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? "")}` : String(error);
  return TRANSIENT_D1.some((pattern) => pattern.test(message));
}

/**
 * Waits before each retry: four retries, about 1.5 s in all, so a card action's answer still fits in Feishu's
 * 3 s after a D1 outage outlasts them (the person then gets the error answer, once, after the last attempt).
 */
export const D1_RETRY_DELAYS_MS: readonly number[] = [25, 100, 400, 1_000];

type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withD1Retry<T>(call: () => Promise<T>, delays: readonly number[] = D1_RETRY_DELAYS_MS, sleep: Sleep = realSleep): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = delays[attempt];
      if (delay === undefined || !isTransientD1Error(error)) throw error;
      // jitter: isolates that failed together do not all come back in the same millisecond
      await sleep(delay * (0.75 + Math.random() * 0.5));
    }
  }
}

const REAL = Symbol("d1 statement under the retry wrapper");
type Wrapped = D1PreparedStatement & { [REAL]: D1PreparedStatement };

function wrapStatement(real: D1PreparedStatement, delays: readonly number[], sleep: Sleep): D1PreparedStatement {
  const retried =
    (method: "first" | "all" | "run" | "raw") =>
    (...args: unknown[]) =>
      withD1Retry(() => (real[method] as (...a: unknown[]) => Promise<unknown>)(...args), delays, sleep);
  const statement = {
    [REAL]: real,
    bind: (...values: unknown[]) => wrapStatement(real.bind(...values), delays, sleep),
    first: retried("first"),
    all: retried("all"),
    run: retried("run"),
    raw: retried("raw"),
  };
  return statement as unknown as D1PreparedStatement;
}

const unwrap = (statement: D1PreparedStatement) => (statement as Partial<Wrapped>)[REAL] ?? statement;

/** The binding with every statement and batch retried on a transient error (see above). */
export function retryingD1(d1: D1Database, delays: readonly number[] = D1_RETRY_DELAYS_MS, sleep: Sleep = realSleep): D1Database {
  const wrapped = {
    prepare: (sql: string) => wrapStatement(d1.prepare(sql), delays, sleep),
    batch: (statements: D1PreparedStatement[]) => {
      const real = statements.map(unwrap);
      return withD1Retry(() => d1.batch(real), delays, sleep);
    },
    exec: (sql: string) => withD1Retry(() => d1.exec(sql), delays, sleep),
    dump: () => d1.dump(),
    withSession: (constraint?: string) => d1.withSession(constraint),
  };
  return wrapped as unknown as D1Database;
}
