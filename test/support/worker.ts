import { Log, LogLevel, Miniflare } from "miniflare";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { buildWorker, migrationStatements, ROOT } from "./build.ts";
import { FakeFeishu } from "./fake-feishu.ts";
import { checkCard, violationMessage } from "../../src/feishu/conformance.ts";
import { feishuRequest, type FeishuRequestOptions } from "./feishu-signing.ts";

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
    const mf = new Miniflare({
      ...code,
      compatibilityDate: compatibilityDate(),
      compatibilityFlags: ["nodejs_compat"],
      ...(options.directSocket ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {}),
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
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
      log: new Log(LogLevel.WARN),
      handleRuntimeStdio(stdout: Readable, stderr: Readable) {
        let pending = "";
        stdout.on("data", (chunk: Buffer) => {
          pending += chunk.toString("utf8");
          const lines = pending.split("\n");
          pending = lines.pop() ?? "";
          for (const line of lines) {
            try {
              logs.push(JSON.parse(line));
            } catch {
              /* not a log line of ours */
            }
          }
        });
        stderr.resume();
      },
    });
    await mf.ready;
    const worker = new TestWorker(mf, fake, encryptKey);
    (worker as { logs: Record<string, unknown>[] }).logs = logs;
    const d1 = await mf.getD1Database("DB");
    for (const statement of migrationStatements()) await d1.prepare(statement).run();
    return worker;
  }

  /** The photo bucket (R2, local), to check what the Worker stored. */
  async photos() {
    return this.mf.getR2Bucket("PHOTOS");
  }

  async d1() {
    return this.mf.getD1Database("DB");
  }

  async query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
    const d1 = await this.d1();
    const result = await d1.prepare(sql).bind(...params).all<T>();
    return result.results;
  }

  async count(table: string, where = "1 = 1", ...params: unknown[]): Promise<number> {
    const [row] = await this.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, ...params);
    return row!.n;
  }

  /** Row counts of every table but the delivery plumbing, to assert "nothing changed". */
  async snapshot(): Promise<Record<string, number>> {
    const tables = await this.query<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT IN ('cache_entries', 'rate_counters', 'd1_migrations')",
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = await this.count(name);
    return counts;
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
    const { body, headers } = feishuRequest(payload, { encryptKey: this.encryptKey, ...options });
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
    const worker = await this.mf.getWorker();
    await worker.scheduled({ cron, scheduledTime });
    await this.settle();
  }

  /** Waits until the outbox has nothing left to deliver (or `timeoutMs` passes). */
  async settle(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Every accepted event's work (after the 200) has logged its end: its writes and outbox rows are committed.
    const accepted = () => this.logs.filter((line) => line.route === "/feishu/events" && line.outcome === "accepted").length;
    const handled = () => this.logs.filter((line) => line.route === "event").length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    while (handled() < accepted()) {
      if (Date.now() > deadline) throw new Error(`events not handled after ${timeoutMs} ms: ${accepted() - handled()} left`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    for (;;) {
      const open = await this.count("outbox", "state IN ('pending', 'sending', 'failed')");
      if (open === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        if ((await this.count("outbox", "state IN ('pending', 'sending', 'failed')")) === 0) return;
      }
      if (Date.now() > deadline) throw new Error(`outbox not settled after ${timeoutMs} ms: ${open} messages open`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    await this.mf.dispose();
    await this.fake.stop();
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
