/**
 * The test side's way into the Worker's storage without Miniflare's synchronous proxy.
 *
 * `mf.getD1Database()` / `getR2Bucket()` / `getQueueProducer()` / `getWorker()` hand back proxies whose property
 * reads and first calls go through a `SynchronousFetcher` (a worker thread and `Atomics.wait`); under CPU contention
 * it now and then reads another call's answer and fails with `assert(message?.id === id)`, taking a whole file's
 * setup with it. So the test side never touches them: a tiny second worker in the same Miniflare (HARNESS_WORKER),
 * bound to the same local D1, R2 bucket and queues and to the Worker itself, answers JSON over an ordinary
 * (asynchronous) `mf.dispatchFetch` routed to it by host name. The classes below give the test side the binding
 * shapes it used before (D1Database, R2Bucket, Queue, the Worker's `scheduled`) over that path.
 */

export const HARNESS_HOST = "harness.duxue.test";
export const HARNESS_NAME = "duxue-test-harness";

/** The harness worker (ES module source). Values that JSON cannot carry (BLOBs) travel as `{ $bytes: base64 }`. */
export const HARNESS_WORKER = `
const toB64 = (bytes) => { let s = ""; for (const b of bytes) s += String.fromCharCode(b); return btoa(s); };
const fromB64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const encode = (value) => {
  if (value instanceof ArrayBuffer) return { $bytes: toB64(new Uint8Array(value)) };
  if (ArrayBuffer.isView(value)) return { $bytes: toB64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  return value;
};
const decode = (value) => (value && typeof value === "object" && typeof value.$bytes === "string" ? fromB64(value.$bytes) : value);
const meta = (object) => object && { key: object.key, size: object.size, etag: object.etag, httpEtag: object.httpEtag, uploaded: object.uploaded.getTime(), httpMetadata: object.httpMetadata ?? {}, customMetadata: object.customMetadata ?? {} };

async function d1(env, body) {
  const statement = (s) => env.DB.prepare(s.sql).bind(...(s.params ?? []).map(decode));
  if (body.exec !== undefined) return env.DB.exec(body.exec);
  if (body.batch) return env.DB.batch(body.batch.map(statement));
  const prepared = statement(body.statement);
  if (body.mode === "first") return body.column === undefined ? prepared.first() : prepared.first(body.column);
  if (body.mode === "raw") return prepared.raw(body.columnNames ? { columnNames: true } : undefined);
  return prepared[body.mode]();
}

async function r2(env, op, request) {
  const url = new URL(request.url);
  const key = url.searchParams.get("key");
  const bucket = env.PHOTOS;
  if (op === "put") {
    const options = JSON.parse(request.headers.get("x-options") ?? "{}");
    return Response.json(meta(await bucket.put(key, await request.arrayBuffer(), options)));
  }
  if (op === "get") {
    const object = await bucket.get(key);
    if (!object) return new Response(null, { status: 404 });
    return new Response(object.body, { headers: { "x-meta": JSON.stringify(meta(object)) } });
  }
  if (op === "head") return Response.json(meta(await bucket.head(key)));
  if (op === "delete") return Response.json(await bucket.delete(JSON.parse(await request.text())));
  if (op === "list") {
    const listed = await bucket.list(JSON.parse(await request.text()));
    return Response.json({ ...listed, objects: listed.objects.map(meta) });
  }
  return new Response("unknown r2 operation", { status: 400 });
}

export default {
  async fetch(request, env) {
    const [, area, op] = new URL(request.url).pathname.split("/");
    try {
      if (area === "d1") return Response.json(encode(await d1(env, await request.json())));
      if (area === "r2") return await r2(env, op, request);
      if (area === "queue") {
        const body = await request.json();
        const queue = env[body.queue];
        if (body.batch) await queue.sendBatch(body.batch, body.options);
        else await queue.send(body.message, body.options);
        return Response.json({});
      }
      if (area === "scheduled") {
        const body = await request.json();
        const result = await env.WORKER.scheduled({ cron: body.cron, scheduledTime: new Date(body.scheduledTime) });
        return Response.json({ outcome: result.outcome, noRetry: result.noRetry });
      }
      return new Response("unknown harness route", { status: 404 });
    } catch (error) {
      return Response.json({ error: error instanceof Error ? error.message : String(error) }, { status: 500 });
    }
  },
};
`;

export type HarnessFetch = (path: string, init?: RequestInit) => Promise<Response>;

const fromWire = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value && typeof value === "object") {
    const bytes = (value as { $bytes?: unknown }).$bytes;
    if (typeof bytes === "string") {
      const buffer = Buffer.from(bytes, "base64");
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
  }
  return value;
};
const toWire = (value: unknown): unknown =>
  value instanceof ArrayBuffer || ArrayBuffer.isView(value)
    ? { $bytes: Buffer.from(value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength)).toString("base64") }
    : value;

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json()) as { error?: string };
  if (response.status >= 400) throw new Error(body.error ?? `harness answered ${response.status}`);
  return fromWire(body) as T;
}

/** One statement of `AsyncD1`: the shape of a D1PreparedStatement. */
export class AsyncStatement {
  private readonly d1: AsyncD1;
  readonly sql: string;
  readonly params: unknown[];
  constructor(d1: AsyncD1, sql: string, params: unknown[] = []) {
    this.d1 = d1;
    this.sql = sql;
    this.params = params;
  }
  bind(...params: unknown[]): AsyncStatement {
    return new AsyncStatement(this.d1, this.sql, params);
  }
  private run_(mode: string, extra: Record<string, unknown> = {}) {
    return this.d1.call({ statement: this.wire(), mode, ...extra });
  }
  wire() {
    return { sql: this.sql, params: this.params.map(toWire) };
  }
  first<T = Record<string, unknown>>(column?: string): Promise<T | null> {
    return this.run_("first", column === undefined ? {} : { column }) as Promise<T | null>;
  }
  all<T = Record<string, unknown>>(): Promise<{ results: T[]; success: boolean; meta: Record<string, unknown> }> {
    return this.run_("all") as never;
  }
  run<T = Record<string, unknown>>(): Promise<{ results: T[]; success: boolean; meta: Record<string, unknown> & { changes: number; last_row_id: number } }> {
    return this.run_("run") as never;
  }
  raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    return this.run_("raw", { columnNames: options?.columnNames ?? false }) as Promise<T[]>;
  }
}

/** The shape of a D1Database, over the harness worker. */
export class AsyncD1 {
  private readonly fetch: HarnessFetch;
  constructor(fetch: HarnessFetch) {
    this.fetch = fetch;
  }
  async call(body: unknown): Promise<unknown> {
    return answer(await this.fetch("/d1", { method: "POST", body: JSON.stringify(body) }));
  }
  prepare(sql: string): AsyncStatement {
    return new AsyncStatement(this, sql);
  }
  batch<T = Record<string, unknown>>(statements: AsyncStatement[]): Promise<{ results: T[]; success: boolean; meta: Record<string, unknown> }[]> {
    return this.call({ batch: statements.map((s) => s.wire()) }) as never;
  }
  exec(sql: string): Promise<{ count: number; duration: number }> {
    return this.call({ exec: sql }) as never;
  }
}

export interface R2Meta {
  key: string;
  size: number;
  etag: string;
  httpEtag: string;
  uploaded: Date;
  httpMetadata: Record<string, unknown>;
  customMetadata: Record<string, string>;
}
const r2Meta = (raw: (Omit<R2Meta, "uploaded"> & { uploaded: number }) | null): R2Meta | null => raw && { ...raw, uploaded: new Date(raw.uploaded) };

/** The parts of an R2Bucket tests use, over the harness worker. */
export class AsyncR2 {
  private readonly fetch: HarnessFetch;
  constructor(fetch: HarnessFetch) {
    this.fetch = fetch;
  }
  async put(key: string, value: Uint8Array | ArrayBuffer | string, options: Record<string, unknown> = {}): Promise<R2Meta | null> {
    const response = await this.fetch(`/r2/put?key=${encodeURIComponent(key)}`, { method: "PUT", body: value as BodyInit, headers: { "x-options": JSON.stringify(options) } });
    return r2Meta(await answer(response));
  }
  async get(key: string): Promise<(R2Meta & { arrayBuffer(): Promise<ArrayBuffer>; text(): Promise<string> }) | null> {
    const response = await this.fetch(`/r2/get?key=${encodeURIComponent(key)}`);
    if (response.status === 404) return null;
    if (response.status >= 400) return answer(response);
    const bytes = await response.arrayBuffer();
    return { ...r2Meta(JSON.parse(response.headers.get("x-meta")!))!, arrayBuffer: async () => bytes, text: async () => new TextDecoder().decode(bytes) };
  }
  async head(key: string): Promise<R2Meta | null> {
    return r2Meta(await answer(await this.fetch(`/r2/head?key=${encodeURIComponent(key)}`)));
  }
  async delete(keys: string | string[]): Promise<void> {
    await answer(await this.fetch("/r2/delete", { method: "POST", body: JSON.stringify(keys) }));
  }
  async list(options: Record<string, unknown> = {}): Promise<{ objects: R2Meta[]; truncated: boolean; cursor?: string; delimitedPrefixes: string[] }> {
    const listed = await answer<{ objects: (Omit<R2Meta, "uploaded"> & { uploaded: number })[]; truncated: boolean; cursor?: string; delimitedPrefixes: string[] }>(
      await this.fetch("/r2/list", { method: "POST", body: JSON.stringify(options) }),
    );
    return { ...listed, objects: listed.objects.map((o) => r2Meta(o)!) };
  }
}

/** A queue producer (`Queue`), over the harness worker. */
export class AsyncQueue<Body = unknown> {
  private readonly fetch: HarnessFetch;
  private readonly binding: string;
  constructor(fetch: HarnessFetch, binding: string) {
    this.fetch = fetch;
    this.binding = binding;
  }
  async send(message: Body, options?: Record<string, unknown>): Promise<void> {
    await answer(await this.fetch("/queue", { method: "POST", body: JSON.stringify({ queue: this.binding, message, options }) }));
  }
  async sendBatch(batch: Iterable<{ body: Body } & Record<string, unknown>>, options?: Record<string, unknown>): Promise<void> {
    await answer(await this.fetch("/queue", { method: "POST", body: JSON.stringify({ queue: this.binding, batch: [...batch], options }) }));
  }
}
