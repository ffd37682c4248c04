import { Log, LogLevel, Miniflare } from "miniflare";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { buildWorker, migrationStatements, ROOT } from "./build.ts";
import { FakeFeishu } from "./fake-feishu.ts";
import { checkCard, violationMessage } from "../../src/feishu/conformance.ts";
import { feishuRequest, type FeishuRequestOptions } from "./feishu-signing.ts";
import { AsyncD1, AsyncQueue, AsyncR2, HARNESS_HOST, HARNESS_NAME, HARNESS_WORKER, type HarnessFetch } from "./harness.ts";

/** `snapshot()`: per table, its row count (the whole part) and a hash of its rows' content (the fraction). */
export type Snapshot = Record<string, number>;

const WORKER_NAME = "duxue";

/**
 * The real bundled Worker on workerd (through Miniflare), with a real local D1
 * (migrated), the outbox queue, and a fake Feishu at the network edge.
 */

export const VERIFICATION_TOKEN = "test-verification-token";
export const ENCRYPT_KEY = "test-encrypt-key";
export const ADMIN_OPEN_ID = "ou_bootstrap_admin";
/** Feishu waits this long for a card callback's answer (处理卡片回调: "回调超时时间为 3 秒"). */
export const CARD_CALLBACK_TIMEOUT_MS = 3_000;

export interface TestWorkerOptions {
  /** run without an Encrypt Key (plain, unsigned bodies; sets FEISHU_ALLOW_UNENCRYPTED=true) */
  plain?: boolean;
  vars?: Record<string, string>;
  fake?: FakeFeishu;
  /** the source of an entry module that wraps the bundle (`import worker from "./index.js"`), e.g. the benchmark's D1 counter */
  wrapEntry?: string;
  /** also listen on a socket straight into the Worker, bypassing Miniflare's entry worker (see `directFetch`) */
  directSocket?: boolean;
  /** open V8's inspector on this port (CPU profiles of the Worker: see bench/profile-ack.ts) */
  inspectorPort?: number;
  /** false: no queue consumer (messages put on the queue are never delivered), to show what is sent without it */
  queueConsumer?: boolean;
}

function compatibilityDate(): string {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  return toml.match(/compatibility_date\s*=\s*"([^"]+)"/)![1]!;
}

/**
 * The queue consumers' settings as wrangler.toml gives them (the outbox queue and its dead-letter queue), by
 * queue name, so tests and the bench deliver as production does.
 */
export function queueConsumerSettings() {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const blocks = toml.split("[[queues.consumers]]").slice(1).map((block) => block.split(/^\[/m)[0]!);
  const settings: Record<string, { maxBatchSize?: number; maxBatchTimeout?: number; maxRetries?: number; retryDelay?: number; deadLetterQueue?: string }> = {};
  for (const block of blocks) {
    const value = (key: string) => block.match(new RegExp(`^${key}\\s*=\\s*"?([^"\\n]+)"?`, "m"))?.[1]?.trim();
    const number = (key: string) => (value(key) === undefined ? undefined : Number(value(key)));
    const queue = value("queue")!;
    settings[queue] = {
      maxBatchSize: number("max_batch_size"),
      maxBatchTimeout: number("max_batch_timeout"),
      maxRetries: number("max_retries"),
      retryDelay: number("retry_delay"),
      ...(value("dead_letter_queue") ? { deadLetterQueue: value("dead_letter_queue") } : {}),
    };
  }
  return settings;
}

export class TestWorker {
  readonly logs: Record<string, unknown>[] = [];
  private eventCounter = 0;
  readonly mf: Miniflare;
  readonly fake: FakeFeishu;
  readonly encryptKey: string | undefined;

  private constructor(mf: Miniflare, fake: FakeFeishu, encryptKey: string | undefined) {
    this.mf = mf;
    this.fake = fake;
    this.encryptKey = encryptKey;
  }

  static async start(options: TestWorkerOptions = {}): Promise<TestWorker> {
    const fake = options.fake ?? (await new FakeFeishu().start());
    const encryptKey = options.plain ? undefined : ENCRYPT_KEY;
    const logs: Record<string, unknown>[] = [];
    const waiters: (() => void)[] = [];
    const bundle = buildWorker();
    const code = options.wrapEntry
      ? {
          modules: [
            { type: "ESModule" as const, path: join(dirname(bundle), "wrapped-entry.js"), contents: options.wrapEntry },
            { type: "ESModule" as const, path: bundle, contents: readFileSync(bundle, "utf8") },
          ],
          modulesRoot: dirname(bundle),
        }
      : { modules: true, scriptPath: bundle };
    const main = {
      name: WORKER_NAME,
      ...code,
      compatibilityDate: compatibilityDate(),
      compatibilityFlags: ["nodejs_compat"],
      ...(options.directSocket ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {}),
      d1Databases: { DB: "duxue-test" },
      r2Buckets: { PHOTOS: "duxue-photos-test" },
      // OUTBOX_DEAD_LETTERS: test-only, to put a message on the dead-letter queue as the queue would
      queueProducers: { OUTBOX: { queueName: "duxue-outbox" }, OUTBOX_DEAD_LETTERS: { queueName: "duxue-outbox-dlq" } },
      queueConsumers: options.queueConsumer === false ? {} : queueConsumerSettings(),
      bindings: {
        FEISHU_APP_ID: fake.appId,
        FEISHU_APP_SECRET: fake.appSecret,
        FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
        ...(encryptKey ? { FEISHU_ENCRYPT_KEY: encryptKey } : { FEISHU_ALLOW_UNENCRYPTED: "true" }),
        FEISHU_BASE_URL: fake.url,
        DIGEST_CHAT_ID: "oc_office_group",
        ADMIN_OPEN_IDS: ADMIN_OPEN_ID,
        TIMEZONE: "Asia/Shanghai",
        // the per-person limit (20 a minute in production) is tested on its own (walls.private.security.test.ts)
        COMMANDS_PER_MINUTE: "10000",
        ...options.vars,
      },
    };
    // The test side's asynchronous way into the same D1, R2 bucket, queues and the Worker's cron (test/support/harness.ts).
    const harness = {
      name: HARNESS_NAME,
      routes: [`${HARNESS_HOST}/*`],
      modules: [{ type: "ESModule" as const, path: join(dirname(bundle), "harness.js"), contents: HARNESS_WORKER }],
      compatibilityDate: compatibilityDate(),
      // `WORKER.scheduled(…)` runs a cron event (as Miniflare's own entry worker does it)
      compatibilityFlags: ["service_binding_extra_handlers"],
      d1Databases: { DB: "duxue-test" },
      r2Buckets: { PHOTOS: "duxue-photos-test" },
      queueProducers: { OUTBOX: { queueName: "duxue-outbox" }, OUTBOX_DEAD_LETTERS: { queueName: "duxue-outbox-dlq" } },
      serviceBindings: { WORKER: WORKER_NAME },
    };
    const mf = new Miniflare({
      workers: [main, harness],
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
      log: new Log(LogLevel.WARN),
      handleRuntimeStdio(stdout: Readable, stderr: Readable) {
        let pending = "";
        stdout.on("data", (chunk: Buffer) => {
          pending += chunk.toString("utf8");
          const lines = pending.split("\n");
          pending = lines.pop() ?? "";
          for (const line of lines) {
            let parsed: Record<string, unknown>;
            try {
              parsed = JSON.parse(line);
            } catch {
              continue; /* not a log line of ours */
            }
            logs.push(parsed);
          }
          for (const wake of waiters.splice(0)) wake();
        });
        stderr.resume();
      },
    });
    await mf.ready;
    const worker = new TestWorker(mf, fake, encryptKey);
    (worker as { logs: Record<string, unknown>[] }).logs = logs;
    worker.waiters = waiters;
    const d1 = worker.d1();
    await d1.batch(migrationStatements().map((statement) => d1.prepare(statement)));
    return worker;
  }

  /** Set by `start`: woken by every chunk of log lines the Worker prints. */
  private waiters: (() => void)[] = [];

  /** Everything the test side does to storage goes here: an ordinary async fetch to the harness worker, never Miniflare's synchronous proxy. */
  private readonly harness: HarnessFetch = (path, init) => this.mf.dispatchFetch(`http://${HARNESS_HOST}${path}`, init as never) as unknown as Promise<Response>;

  /** The photo bucket (R2, local), to check what the Worker stored. */
  async photos(): Promise<AsyncR2> {
    return new AsyncR2(this.harness);
  }

  /** The Worker's D1 (the shape of a D1Database; cast to it where src/ code wants one). */
  d1(): AsyncD1 {
    return new AsyncD1(this.harness);
  }

  /** A queue producer of the Worker's (OUTBOX, OUTBOX_DEAD_LETTERS), as src/ code wants it in `env`. */
  queue<Body = { uuid: string }>(binding: "OUTBOX" | "OUTBOX_DEAD_LETTERS" = "OUTBOX"): Queue<Body> {
    return new AsyncQueue<Body>(this.harness, binding) as unknown as Queue<Body>;
  }

  /** Runs the Worker's `scheduled` handler as Cloudflare's cron would (does not wait for delivery); returns its outcome. */
  async scheduled(cron: string, scheduledTime: Date): Promise<{ outcome: string; noRetry: boolean }> {
    const response = await this.harness("/scheduled", { method: "POST", body: JSON.stringify({ cron, scheduledTime: scheduledTime.getTime() }) });
    const body = (await response.json()) as { outcome: string; noRetry: boolean; error?: string };
    if (response.status >= 400) throw new Error(body.error);
    return body;
  }

  async query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
    const result = await this.d1().prepare(sql).bind(...params).all<T>();
    return result.results;
  }

  async count(table: string, where = "1 = 1", ...params: unknown[]): Promise<number> {
    const [row] = await this.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, ...params);
    return row!.n;
  }

  /**
   * Every table but the caches and the migrations' own (or the `tables` named), each as its row count and a hash of
   * every row's content, to assert "nothing changed": an UPDATE of a status, a due date, an open_id or `active`
   * shows as well as a row added or removed.
   */
  async snapshot(tables?: string[]): Promise<Snapshot> {
    const names =
      tables ??
      (
        await this.query<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT IN ('cache_entries', 'rate_counters', 'd1_migrations') ORDER BY name",
        )
      ).map((t) => t.name);
    const d1 = this.d1();
    const results = await d1.batch(names.map((name) => d1.prepare(`SELECT * FROM ${name} ORDER BY rowid`)));
    const snapshot: Snapshot = {};
    names.forEach((name, i) => {
      const rows = results[i]!.results;
      const hash = createHash("sha256");
      for (const row of rows) hash.update(JSON.stringify(row)).update("\n");
      // the whole part counts the rows, the fraction is the content's hash: a diff tells "rows added" from "rows changed"
      snapshot[name] = rows.length + hash.digest().readUInt32BE(0) / 2 ** 32;
    });
    return snapshot;
  }

  /** The Worker's own socket (needs `directSocket`): as in production, no Miniflare entry worker in front of it. */
  async directUrl(path: string): Promise<URL> {
    return new URL(path, await this.mf.unsafeGetDirectURL());
  }

  async fetch(path: string, init?: RequestInit): Promise<Response> {
    return this.mf.dispatchFetch(`http://duxue.test${path}`, init as never) as unknown as Response;
  }

  /** POSTs a payload to an ingress route signed and encrypted like Feishu (when the worker has an Encrypt Key). */
  async post(path: "/feishu/events" | "/feishu/cards", payload: unknown, options: FeishuRequestOptions = {}): Promise<Response> {
    const message = (payload as { event?: { message?: { message_id?: string; chat_id?: string } } })?.event?.message;
    if (message?.message_id && message.chat_id) this.fake.noteIncoming(message.message_id, message.chat_id);
    // a card callback carries the token of its delayed update (event.token), issued by Feishu with it
    const callbackToken = path === "/feishu/cards" ? (payload as { event?: { token?: unknown } })?.event?.token : undefined;
    if (typeof callbackToken === "string") this.fake.noteCallback(callbackToken);
    const { body, headers } = feishuRequest(payload, { encryptKey: this.encryptKey, ...options });
    if (path === "/feishu/events") this.eventsPosted++;
    return this.fetch(path, { method: "POST", body, headers });
  }

  nextEventId(): string {
    return `ev_${Date.now().toString(36)}_${++this.eventCounter}`;
  }

  /** Sends a text message event as `openId`, waits until the bot's answers are delivered, and returns them. */
  async say(openId: string, text: string, options: { chatType?: "p2p" | "group"; eventId?: string; messageId?: string } = {}) {
    const messageId = options.messageId ?? `om_in_${this.nextEventId()}`;
    const chatType = options.chatType ?? "p2p";
    const group = chatType === "group";
    const payload = messageEvent({
      eventId: options.eventId ?? this.nextEventId(),
      messageId,
      openId,
      chatType,
      messageType: "text",
      content: { text: group ? `@_user_1 ${text}` : text },
      mentions: group ? [{ key: "@_user_1", id: { open_id: this.fake.botOpenId }, name: "督学助手" }] : [],
    });
    const before = this.fake.messages.length;
    const response = await this.post("/feishu/events", payload);
    await this.settle();
    const replies = this.fake.messages.slice(before).filter((m) => m.replyTo === messageId || m.chatId === chatIdFor(openId, chatType));
    return { response, messageId, replies, texts: replies.map((m) => FakeFeishu.textOf(m)) };
  }

  /** Card callbacks answered after Feishu's 3 s ("回调超时时间为 3 秒": the user sees an error); `stop()` fails the test. */
  readonly lateCallbacks: { action: unknown; ms: number }[] = [];

  /** Clicks a card button (or submits a form) as `openId`; returns the synchronous answer. */
  async click(openId: string, value: Record<string, unknown>, formValue?: Record<string, unknown>, messageId?: string) {
    if (messageId) this.fake.noteClick(messageId);
    const started = performance.now();
    const response = await this.post("/feishu/cards", cardActionEvent({ openId, value, formValue, messageId }));
    const ms = performance.now() - started;
    if (ms > CARD_CALLBACK_TIMEOUT_MS) this.lateCallbacks.push({ action: value.action, ms: Math.round(ms) });
    const answer = (await response.json()) as { toast?: { type: string; content: string }; card?: { type: string; data: unknown } };
    // a card in the answer replaces the clicked one: real Feishu refuses it as it would a sent card
    if (answer.card) {
      const violations = checkCard(answer.card.data);
      if (answer.card.type !== "raw" || violations.length) throw new Error(`Feishu would refuse the card in the callback answer: ${violations.map(violationMessage).join("; ") || `type ${answer.card.type}`}`);
    }
    await this.settle();
    return { status: response.status, answer };
  }

  async runCron(cron: string, scheduledTime: Date): Promise<void> {
    await this.scheduled(cron, scheduledTime);
    await this.settle();
  }

  /** Resolves at the Worker's next log line(s), or after `ms` at the latest (a bound, not a clock to test against). */
  private nextLog(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Accepted events whose work has not logged its end yet (an event's line after its acceptance's, by event_id: one event may log two). */
  private eventsInFlight(): number {
    const open = new Map<unknown, number>();
    for (const [index, line] of this.logs.entries()) {
      if (line.route === "/feishu/events" && line.outcome === "accepted" && !(index < (this.cutOffs.get(line.event_id) ?? 0)))
        open.set(line.event_id, (open.get(line.event_id) ?? 0) + 1);
      else if (line.route === "event" && (open.get(line.event_id) ?? 0) > 0) open.set(line.event_id, open.get(line.event_id)! - 1);
    }
    return [...open.values()].reduce((sum, n) => sum + n, 0);
  }

  private readonly cutOffs = new Map<unknown, number>();

  /** Declares that the work of the event accepted so far will never end (its isolate "killed" by a test): `settle()` stops waiting for it. */
  cutOff(eventId: string): void {
    this.cutOffs.set(eventId, this.logs.length);
  }

  /** Events POSTed to /feishu/events through `post` (each ends in one request log line). */
  private eventsPosted = 0;

  /**
   * Waits until the work of every event sent is done and the outbox has nothing left to deliver (or `timeoutMs`
   * passes). No sleeps: it waits on the Worker's own signals, its log lines (a request's line, an event's end,
   * a delivery's outcome), and looks again at each.
   */
  async settle(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const lines = (route: string, outcome?: string) => this.logs.filter((line) => line.route === route && (outcome === undefined || line.outcome === outcome)).length;
    // every event posted has its request line (the line may reach us after the 200 does) …
    while (lines("/feishu/events") < this.eventsPosted) {
      if (Date.now() > deadline) throw new Error(`events not answered after ${timeoutMs} ms: ${this.eventsPosted - lines("/feishu/events")} left`);
      await this.nextLog(250);
    }
    // … and every accepted event's work (after the 200) has logged its end, after its acceptance: its writes and outbox rows are committed
    while (this.eventsInFlight() > 0) {
      if (Date.now() > deadline) throw new Error(`events not handled after ${timeoutMs} ms: ${this.eventsInFlight()} left`);
      await this.nextLog(250);
    }
    for (;;) {
      const open = await this.count("outbox", "state IN ('pending', 'sending', 'failed')");
      if (open === 0) return;
      if (Date.now() > deadline) throw new Error(`outbox not settled after ${timeoutMs} ms: ${open} messages open`);
      // a delivery logs its outcome (sent, retry, dead); a retry's backoff logs nothing, hence the bound
      await this.nextLog(250);
    }
  }

  private readonly expectedErrors: RegExp[] = [];
  private expectedDead: number | "any" = 0;
  private openAllowed = false;

  /**
   * Declares error log lines (`level: "error"` or `outcome: "error"`) this file causes on purpose, matched against
   * the line as JSON; `stop()` fails the file for any other.
   */
  expectErrors(...patterns: RegExp[]): this {
    this.expectedErrors.push(...patterns);
    return this;
  }

  /** Declares that this file leaves `count` messages dead in the outbox on purpose (no argument: any number). */
  expectDead(count?: number): this {
    this.expectedDead = count ?? "any";
    return this;
  }

  /** Declares that this file leaves messages pending in the outbox on purpose (no queue consumer, Feishu down …). */
  expectOpen(): this {
    this.openAllowed = true;
    return this;
  }

  /** What `stop()` would fail the file for, the outbox and the log: nothing left unsent or dead, no undeclared error line. */
  async uncleanEnd(): Promise<string[]> {
    const problems: string[] = [];
    const rows = await this.query<{ state: string; n: number }>("SELECT state, COUNT(*) AS n FROM outbox WHERE state IN ('pending', 'sending', 'failed', 'dead') GROUP BY state");
    const dead = rows.find((r) => r.state === "dead")?.n ?? 0;
    const open = rows.filter((r) => r.state !== "dead").reduce((sum, r) => sum + r.n, 0);
    if (dead && this.expectedDead !== "any" && dead !== this.expectedDead) problems.push(`${dead} message(s) dead in the outbox (declared: ${this.expectedDead}; see expectDead)`);
    if (open && !this.openAllowed) problems.push(`${open} message(s) left undelivered in the outbox (see expectOpen)`);
    const errors = this.logs
      .filter((line) => line.level === "error" || line.outcome === "error")
      // a send that timed out on a loaded machine and was tried again: the outbox check above sees whether it arrived
      .filter((line) => !(line.route === "delivery" && (line.outcome === "retry" || line.outcome === "abandoned") && /aborted due to timeout/.test(String(line.error))))
      .map((line) => JSON.stringify(line));
    const undeclared = errors.filter((line) => !this.expectedErrors.some((pattern) => pattern.test(line)));
    if (undeclared.length) problems.push(`${undeclared.length} error log line(s) not declared (see expectErrors): ${undeclared.slice(0, 3).join(" | ")}`);
    return problems;
  }

  async stop(): Promise<void> {
    let unclean: string[] = [];
    try {
      unclean = await this.uncleanEnd();
    } finally {
      await this.mf.dispose();
      await this.fake.stop();
    }
    if (unclean.length) throw new Error(`the file did not end clean: ${unclean.join("; ")}`);
    if (this.lateCallbacks.length) throw new Error(`Feishu shows an error for callbacks answered after 3 s: ${this.lateCallbacks.map((c) => `${String(c.action)} ${c.ms} ms`).join("; ")}`);
    const expired = this.fake.expiredCardUses;
    if (expired.length) throw new Error(`Feishu cards stop working 14 days after they are sent: ${expired.map((e) => `${e.use} of ${e.messageId}`).join("; ")}`);
    const refused = this.fake.refusedCards;
    if (refused.length) throw new Error(`Feishu would have refused ${refused.length} card(s): ${refused.map((r) => `${r.path}: ${violationMessage(r.violations[0]!)}`).join("; ")}`);
    // any other refusal the test neither injected nor declared (fake.expectRefusals / takeRefusals) fails the file
    const undeclared = this.fake.undeclaredRefusals();
    if (undeclared.length) throw new Error(`Feishu refused ${undeclared.length} request(s) the test did not expect: ${undeclared.slice(0, 5).map((r) => `${r.method} ${r.path} ${r.status} ${r.code} ${r.msg}`).join("; ")}`);
  }
}

export function chatIdFor(openId: string, chatType: "p2p" | "group"): string {
  return chatType === "p2p" ? `oc_p2p_${openId}` : "oc_group_office";
}

export interface MessageEventInput {
  eventId: string;
  messageId: string;
  openId: string;
  chatType: "p2p" | "group";
  messageType: "text" | "file" | "image" | "post";
  content: unknown;
  mentions?: unknown[];
  token?: string;
}

export function messageEvent(input: MessageEventInput) {
  return {
    schema: "2.0",
    header: {
      event_id: input.eventId,
      event_type: "im.message.receive_v1",
      create_time: String(Date.now()),
      token: input.token ?? VERIFICATION_TOKEN,
      app_id: "cli_test_app",
      tenant_key: "tenant_test",
    },
    event: {
      sender: { sender_id: { open_id: input.openId, union_id: `on_${input.openId}`, user_id: null }, sender_type: "user", tenant_key: "tenant_test" },
      message: {
        message_id: input.messageId,
        root_id: "",
        parent_id: "",
        create_time: String(Date.now()),
        chat_id: chatIdFor(input.openId, input.chatType),
        chat_type: input.chatType,
        message_type: input.messageType,
        content: JSON.stringify(input.content),
        mentions: input.mentions ?? [],
      },
    },
  };
}

export function cardActionEvent(input: { eventId?: string; openId: string; value: Record<string, unknown>; formValue?: Record<string, unknown>; messageId?: string; token?: string }) {
  return {
    schema: "2.0",
    header: {
      event_id: input.eventId ?? `ev_card_${Math.random().toString(36).slice(2)}`,
      event_type: "card.action.trigger",
      create_time: String(Date.now()),
      token: input.token ?? VERIFICATION_TOKEN,
      app_id: "cli_test_app",
      tenant_key: "tenant_test",
    },
    event: {
      operator: { tenant_key: "tenant_test", user_id: null, open_id: input.openId, union_id: `on_${input.openId}` },
      token: `c-${Math.random().toString(36).slice(2)}`,
      action: { value: input.value, tag: "button", ...(input.formValue ? { name: "submit", form_value: input.formValue } : {}) },
      host: "im_message",
      context: { open_message_id: input.messageId ?? "om_card_message", open_chat_id: "oc_card_chat" },
    },
  };
}
