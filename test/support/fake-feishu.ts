import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { seededRandom } from "../../scripts/lib/seeded-random.ts";
import { checkCard, checkMessageBody, MAX_CARD_BODY_BYTES, violationMessage, type Violation } from "../../src/feishu/conformance.ts";
import { FEISHU_SCOPES } from "../../src/feishu/scopes.ts";

/**
 * A fake Feishu Open Platform on loopback, faithful to ../shared/docs/feishu.md:
 * tenant tokens, message send / reply / patch, delayed card update, message
 * resources and batch_get_id. It records every call and every refusal (`refusals`), rejects a wrong bearer
 * token, drops a uuid repeated within an hour, keeps Feishu's rate limits, refuses groups the bot is not in,
 * wrong msg_type / content shapes, PATCHes of cards without update_multi and delayed updates with a token no
 * callback gave, over 30 minutes old or used twice already, and can inject 429 / 5xx / slow answers,
 * expire tokens mid-run, be down (every send 500) or refuse connections, and
 * answer 230013 for people outside the app's availability range. Shared by the tests, `npm start` and the benchmarks.
 */

export interface DeliveredMessage {
  messageId: string;
  operation: "send" | "reply";
  receiveIdType: string | null;
  receiveId: string | null;
  /** the chat it landed in (a p2p chat with an open_id is `oc_p2p_<open_id>`) */
  chatId: string;
  replyTo: string | null;
  msgType: string;
  content: unknown;
  uuid: string | null;
  at: number;
  /** updated content after PATCH / delayed updates */
  updates: unknown[];
}

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  at: number;
}

export interface Faults {
  /** share of sends answered 429 with code 99991400 */
  rate429?: number;
  /** share of sends answered 500 */
  rate500?: number;
  /** share of sends answered only after `slowMs` */
  slowRate?: number;
  slowMs?: number;
  /** answer this many of the next sends 500, whatever the shares above (counts down) */
  failNextSends?: number;
  /** answer every send and reply 500: Feishu is down (see also `refuseConnections`) */
  down?: boolean;
  /** answer this many of the next sends 429 / 99991400 with `x-ogw-ratelimit-reset: resetSeconds` (counts down) */
  rateLimitNext?: { count: number; resetSeconds: number };
  /** take this many of the next sends (the message is delivered) and then cut the connection without answering (counts down) */
  cutAfterAccept?: number;
}

/** A non-success answer the fake gave (HTTP ≥ 400, or a body code ≠ 0): `TestWorker.stop()` fails on any not injected nor declared. */
export interface Refusal {
  method: string;
  path: string;
  status: number;
  code: number;
  msg: string;
  /** a fault or condition the test arranged (faults, unavailableTo, deniedScopes, expireTokens, ...), not the Worker's doing */
  injected?: boolean;
  /** a card refusal also recorded in refusedCards (takeRefusedCards forgets both) */
  card?: boolean;
}

/** What a test declares it expects the fake to refuse: a code, or fields a refusal must match. */
export type RefusalMatcher = number | Partial<Pick<Refusal, "method" | "path" | "code" | "status">> | ((refusal: Refusal) => boolean);

/** Feishu: "持有相同 uuid 的请求，在 1 小时内至多成功发送一条消息" (发送消息, uuid). */
export const UUID_WINDOW_MS = 60 * 60 * 1000;

/** Feishu's `msg_type`s for message send / reply (发送消息内容结构). */
const MSG_TYPES = new Set(["text", "post", "image", "file", "audio", "media", "sticker", "interactive", "share_chat", "share_user", "system"]);

export interface FakeFeishuOptions {
  appId?: string;
  appSecret?: string;
  /**
   * Feishu's limits: 50/s and 1,000/min per app, 5/s per recipient (429 + 99991400). ON by default, as on
   * Feishu; a test that means to exceed one declares it (`fake.expectRefusals(99991400)`). false only for a
   * harness that measures something else (the benchmark's load generator).
   */
  enforceRateLimits?: boolean;
  seed?: number;
}


/**
 * A card callback's token for the delayed update (延时更新消息卡片, interactive/v1/card/update): "token 有效期为
 * 30 分钟 … 同一个 token 只能使用 2 次". Refusals: 300020 token format (`c-xxxx`), 300030 token expired
 * (an unknown token too: no callback gave it), 300040 used more than twice.
 */
export const CALLBACK_TOKEN_LIFETIME_MS = 30 * 60 * 1000;
export const CALLBACK_TOKEN_USES = 2;

/** Cards stay interactive and updatable this long after they are sent (卡片可交互和可更新时间统一为 14 天). */
export const CARD_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;

export class FakeFeishu {
  readonly appId: string;
  readonly appSecret: string;
  readonly calls: RecordedCall[] = [];
  readonly messages: DeliveredMessage[] = [];
  /** every send attempt's uuid that Feishu accepted, with how many times it was attempted */
  readonly attemptsByUuid = new Map<string, number>();
  readonly files = new Map<string, { bytes: Uint8Array; name: string }>();
  /** files the bot uploaded (im/v1/files), by file_key */
  readonly uploads = new Map<string, { bytes: Uint8Array; name: string; type: string }>();
  private uploadCounter = 0;
  /** images in users' messages (image messages, posts with images), by `<message_id>/<image_key>` */
  readonly messageImages = new Map<string, { bytes: Uint8Array; contentType: string }>();
  /** images the bot uploaded (im/v1/images), by image_key */
  readonly uploadedImages = new Map<string, { bytes: Uint8Array; contentType: string; imageType: string }>();
  private imageCounter = 0;
  /** the next this-many image uploads (im/v1/images) answer HTTP 500, as Feishu on a bad day (counts down) */
  failNextImageUploads = 0;
  /** while set, image uploads wait for it (`holdImageUploads`) */
  private imageUploadGate: Promise<void> | null = null;
  /** mobile or email → open_id, for batch_get_id */
  readonly directory = new Map<string, string>();
  faults: Faults = {};
  /** the bot capability (bot/v3/info): off answers as an app without a bot */
  botEnabled = true;
  readonly botOpenId = "ou_fake_bot";
  /**
   * group chats the bot is in (im/v1/chats/:chat_id/members/is_in_chat, and the list im/v1/chats); a send or
   * reply to any other group answers 230002. By default the digest group (DIGEST_CHAT_ID of TestWorker); a
   * group a user's message comes from is added (noteIncoming); a test adding the bot by event adds it here too.
   */
  readonly botChats = new Set<string>(["oc_office_group"]);
  /** names of those group chats, for im/v1/chats (the chat_id when none is set) */
  readonly chatNames = new Map<string, string>();
  /** scopes the app was not granted: calls needing them answer 99991672 (application/v6/scopes: grant_status 2) */
  readonly deniedScopes = new Set<string>();
  /** scopes added in the developer console (application/v6/scopes lists them): by default those Duxue needs */
  readonly appScopes = new Set<string>(FEISHU_SCOPES.map((s) => s.scope));
  /**
   * open_ids outside the app's availability range (可用范围): a send to them answers HTTP 400, code 230013
   * "Bot has NO availability to this user." (message send / reply pages' error codes), and nothing is delivered.
   */
  readonly unavailableTo = new Set<string>();
  private readonly validTokens = new Set<string>();
  private tokenCounter = 0;
  private messageCounter = 0;
  private readonly uuidToMessage = new Map<string, DeliveredMessage>();
  private readonly sendTimes: number[] = [];
  private readonly recipientTimes = new Map<string, number[]>();
  private readonly incomingChats = new Map<string, string>();
  private readonly groupTimes = new Map<string, number[]>();
  /** sends refused because the app or a recipient went over Feishu's limits (enforceRateLimits), not injected faults */
  limitRefusals = 0;
  /** which limit each of those went over */
  readonly limitRefusalReasons = new Map<string, number>();
  /** refusals of the per-group limit (5/s per chat), by chat */
  readonly groupRefusals = new Map<string, number>();
  private readonly enforceRateLimits: boolean;
  private readonly random: () => number;
  private server: Server | undefined;
  private listeners: ((message: DeliveredMessage) => void)[] = [];
  private readonly rawBytes = new WeakMap<IncomingMessage, number>();
  /** every card Feishu would have refused (src/feishu/conformance.ts), with where it was sent: a test that sends one fails */
  readonly refusedCards: { path: string; violations: Violation[] }[] = [];
  url = "";
  /** every refusal the fake gave, in order (see Refusal) */
  readonly refusals: Refusal[] = [];
  private readonly declaredRefusals: RefusalMatcher[] = [];
  /** set by expireTokens: the invalid-token answers that follow are the test's doing */
  private tokensExpiredByTest = false;
  /** delayed-update tokens of the card callbacks delivered (noteCallback), when (fake clock) and how often used */
  private readonly callbackTokens = new Map<string, { issuedAt: number; uses: number }>();
  /** PATCH times by message, for Feishu's 5 QPS per message (更新已发送的消息卡片: 单条消息更新频控为 5 QPS) */
  private readonly patchTimes = new Map<string, number[]>();

  /**
   * Declares refusals this test provokes on purpose (a code such as 99991400 or 230002, fields, or a predicate):
   * `TestWorker.stop()` does not fail the file for them. Every other non-injected refusal fails it.
   */
  expectRefusals(...matchers: RefusalMatcher[]): void {
    this.declaredRefusals.push(...matchers);
  }

  /** The refusals so far matching `matcher` (all when none), forgotten: a test asserts them and the file still ends clean. */
  takeRefusals(matcher?: RefusalMatcher): Refusal[] {
    const taken: Refusal[] = [];
    for (let i = this.refusals.length - 1; i >= 0; i--) {
      if (!matcher || matches(matcher, this.refusals[i]!)) taken.unshift(...this.refusals.splice(i, 1));
    }
    return taken;
  }

  /** Refusals neither injected nor declared: the Worker asked Feishu for something Feishu refuses. */
  undeclaredRefusals(): Refusal[] {
    return this.refusals.filter((r) => !r.injected && !this.declaredRefusals.some((m) => matches(m, r)));
  }

  constructor(options: FakeFeishuOptions = {}) {
    this.appId = options.appId ?? "cli_test_app";
    this.appSecret = options.appSecret ?? "test-app-secret";
    this.enforceRateLimits = options.enforceRateLimits ?? true;
    this.random = seededRandom(options.seed ?? 42);
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: 1, msg: String(error) }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops accepting connections (a send fails with "connection refused") until `acceptConnections`. */
  async refuseConnections(): Promise<void> {
    if (!this.server?.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Listens again on the same port after `refuseConnections`. */
  async acceptConnections(): Promise<void> {
    if (!this.server || this.server.listening) return;
    const port = Number(new URL(this.url).port);
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    if (!this.server?.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /**
   * The fake's clock: real time moved by `advance`, so a test can live through Feishu's 14 days. Messages are
   * stamped with it; a card updated (230031) or clicked (no callback arrives) more than 14 days after it was sent
   * is recorded in `expiredCardUses`, and the test fails (卡片可交互和可更新时间统一为 14 天).
   */
  private clockOffsetMs = 0;
  readonly expiredCardUses: { messageId: string; use: "update" | "click" }[] = [];
  now(): number {
    return this.baseNow() + this.clockOffsetMs;
  }
  /** the time rate limits are judged and calls stamped by: the wall clock, or the test clock followed (followClock) */
  private baseNow: () => number = () => Date.now();
  /**
   * Judges Feishu's rate limits (and stamps calls and messages) by the test's clock that the Worker's delivery runs on
   * (test/support/test-clock.ts, TEST_CLOCK_DELIVERY), so "5 in a second" is a second of the test's time.
   */
  followClock(now: () => number): this {
    this.baseNow = now;
    return this;
  }
  advance(ms: number): void {
    this.clockOffsetMs += ms;
  }
  isExpired(message: DeliveredMessage): boolean {
    return this.now() - message.at > CARD_LIFETIME_MS;
  }
  /** A click on the card in `messageId` (Feishu delivers none once the card is 14 days old): false, and recorded, when expired. */
  noteClick(messageId: string): boolean {
    const message = this.messages.find((m) => m.messageId === messageId);
    if (!message || !this.isExpired(message)) return true;
    this.expiredCardUses.push({ messageId, use: "click" });
    return false;
  }

  /**
   * A card callback is delivered with this `event.token` (TestWorker.post): Feishu issued it now (on the fake's
   * clock), for two delayed updates within 30 minutes. A token delivered again (a replayed callback) keeps its
   * first issue and its uses.
   */
  noteCallback(token: string): void {
    if (!this.callbackTokens.has(token)) this.callbackTokens.set(token, { issuedAt: this.now(), uses: 0 });
  }

  /** Invalidates every issued token, as if they expired. */
  expireTokens(): void {
    this.tokensExpiredByTest = true;
    this.validTokens.clear();
  }

  onMessage(listener: (message: DeliveredMessage) => void): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  addFile(messageId: string, fileKey: string, name: string, content: string | Uint8Array): void {
    this.files.set(`${messageId}/${fileKey}`, { bytes: typeof content === "string" ? new TextEncoder().encode(content) : content, name });
  }

  /** An image inside a user's message, for the message resource API (`type=image`). */
  addMessageImage(messageId: string, imageKey: string, bytes: Uint8Array, contentType = "image/jpeg"): void {
    this.messageImages.set(`${messageId}/${imageKey}`, { bytes, contentType });
  }

  /** Every image key a card refers to (`img`, `img_combination`). */
  static imageKeysOf(content: unknown): string[] {
    const keys: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          if (key === "img_key" && typeof value === "string") keys.push(value);
          else walk(value);
        }
      }
    };
    walk(content);
    return keys;
  }

  /** Messages that landed in a p2p chat with this open_id, or a group chat with this chat_id. */
  messagesTo(id: string): DeliveredMessage[] {
    return this.messages.filter((m) => m.receiveId === id || m.chatId === id);
  }

  repliesTo(messageId: string): DeliveredMessage[] {
    return this.messages.filter((m) => m.replyTo === messageId);
  }

  /** Text of a message: the text itself, or all strings of a card joined. */
  static textOf(message: DeliveredMessage): string {
    const content = message.updates.at(-1) ?? message.content;
    const strings: string[] = [];
    const walk = (node: unknown) => {
      if (typeof node === "string") strings.push(node);
      else if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") Object.entries(node).forEach(([key, value]) => key !== "value" && key !== "behaviors" && walk(value));
    };
    walk(content);
    return strings.join("\n");
  }

  private readonly served = new WeakMap<RecordedCall, { bytes: number }>();
  /** Bytes of a message resource (file) download the client pulled before it stopped reading (0 for other calls). */
  servedBytes(call: RecordedCall): number {
    return this.served.get(call)?.bytes ?? 0;
  }

  /** Holds every image upload (a slow Feishu) until the returned function is called; `heldUploads` counts those waiting. */
  holdImageUploads(): () => void {
    let release!: () => void;
    this.imageUploadGate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.imageUploadGate = null;
      release();
    };
  }

  heldUploads = 0;

  reset(): void {
    this.calls.length = 0;
    this.messages.length = 0;
    this.attemptsByUuid.clear();
    this.uuidToMessage.clear();
    this.groupTimes.clear();
    this.groupRefusals.clear();
    this.patchTimes.clear();
    this.faults = {};
  }

  /** The uploaded file a file message refers to. */
  uploadOf(message: DeliveredMessage): { bytes: Uint8Array; name: string; type: string } | undefined {
    const key = (message.content as { file_key?: string } | null)?.file_key;
    return key ? this.uploads.get(key) : undefined;
  }

  private async readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    this.rawBytes.set(req, raw.length);
    if ((req.headers["content-type"] ?? "").startsWith("multipart/form-data")) {
      return new Request("http://fake/", { method: "POST", headers: { "content-type": req.headers["content-type"]! }, body: raw }).formData();
    }
    const text = raw.toString("utf8");
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const body = await this.readBody(req);
    const query = Object.fromEntries(url.searchParams);
    const record: RecordedCall = { method: req.method ?? "GET", path: url.pathname, query, body, status: 200, at: this.baseNow() };
    this.calls.push(record);
    /** the refusal about to be answered is a fault or condition the test arranged */
    let injected = false;
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      const code = (payload as { code?: unknown } | null)?.code;
      if (status >= 400 || (typeof code === "number" && code !== 0)) {
        const msg = String((payload as { msg?: unknown } | null)?.msg ?? "");
        const marks = { ...(injected || INJECTED.has(payload as object) ? { injected: true } : {}), ...(CARD_REFUSALS.has(payload as object) ? { card: true } : {}) };
        this.refusals.push({ method: record.method, path: record.path, status, code: typeof code === "number" ? code : status, msg, ...marks });
      }
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(payload));
    };

    if (url.pathname === "/open-apis/auth/v3/tenant_access_token/internal" && req.method === "POST") {
      const { app_id, app_secret } = (body ?? {}) as { app_id?: string; app_secret?: string };
      if (app_id !== this.appId || app_secret !== this.appSecret) return json(200, { code: 10014, msg: "app secret invalid" });
      const token = `t-fake-${++this.tokenCounter}`;
      this.validTokens.add(token);
      return json(200, { code: 0, msg: "ok", tenant_access_token: token, expire: 7200 });
    }

    const bearer = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    if (!this.validTokens.has(bearer)) {
      injected = this.tokensExpiredByTest;
      return json(400, { code: 99991663, msg: "Invalid access token for authorization" });
    }

    const imageAnswer = await this.handleImages(req, url, query, body, record, json, res);
    if (imageAnswer) return;

    if (url.pathname === "/open-apis/im/v1/files" && req.method === "POST") {
      if (!((body as object) instanceof FormData)) return json(400, { code: 234001, msg: "multipart/form-data expected" });
      const form = body as FormData;
      const file = form.get("file") as unknown as Blob | string | null;
      const fileType = form.get("file_type");
      const fileName = form.get("file_name");
      if (!file || typeof file === "string" || file.size === 0 || typeof fileType !== "string" || typeof fileName !== "string") {
        return json(400, { code: 234001, msg: "file, file_type and file_name are required" });
      }
      const fileKey = `file_v3_fake_${++this.uploadCounter}`;
      this.uploads.set(fileKey, { bytes: new Uint8Array(await file.arrayBuffer()), name: fileName, type: fileType });
      record.body = { file_type: fileType, file_name: fileName, size: file.size };
      return json(200, { code: 0, msg: "success", data: { file_key: fileKey } });
    }

    const sendPath = url.pathname === "/open-apis/im/v1/messages" && req.method === "POST";
    const replyMatch = url.pathname.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/);
    if (sendPath || (replyMatch && req.method === "POST")) {
      const data = (body ?? {}) as { receive_id?: string; msg_type?: string; content?: string; uuid?: string };
      const receiveIdType = sendPath ? query.receive_id_type ?? null : null;
      if (sendPath && (!receiveIdType || !data.receive_id)) return json(400, { code: 230001, msg: "invalid receive_id" });
      if (typeof data.content !== "string" || !data.msg_type) return json(400, { code: 230001, msg: "invalid content" });
      if (!MSG_TYPES.has(data.msg_type)) return json(400, { code: 230001, msg: `invalid msg_type: ${data.msg_type}` });
      const refused = this.refuse(url.pathname, checkMessageBody(this.rawBytes.get(req) ?? 0, data));
      if (refused) return json(400, cardRefusal(refused));
      let content: unknown;
      try {
        content = JSON.parse(data.content);
      } catch {
        return json(400, { code: 230001, msg: "content is not JSON" });
      }
      const shape = contentShapeError(data.msg_type, content);
      if (shape) return json(400, { code: 230001, msg: `invalid message content: ${shape}` });
      // 发送消息 230002 "The bot can not be outside the group."
      const targetChat = this.chatOf(receiveIdType, data.receive_id ?? null, replyMatch?.[1] ?? null);
      if (targetChat && !targetChat.startsWith("oc_p2p_") && receiveIdType !== "open_id" && !this.botChats.has(targetChat)) {
        return json(400, { code: 230002, msg: "The bot can not be outside the group." });
      }
      if (data.msg_type === "interactive" && FakeFeishu.imageKeysOf(content).some((key) => !this.uploadedImages.has(key))) return json(400, { code: 230099, msg: "image key in card not found (not uploaded by this app)" });
      // an image message carries an image_key this app uploaded (im/v1/images); Feishu refuses any other
      if (data.msg_type === "image" && !this.uploadedImages.has((content as { image_key?: string })?.image_key ?? "")) return json(400, { code: 230099, msg: "image_key not found (not uploaded by this app)" });
      if (data.msg_type === "file" && !this.uploads.has((content as { file_key?: string })?.file_key ?? "")) {
        return json(400, { code: 234003, msg: "file_key not found" });
      }
      injected = true;
      if (this.faults.down) return json(500, { code: 1, msg: "internal error" });
      const recipient = data.receive_id ?? replyMatch?.[1] ?? "";
      if (receiveIdType === "open_id" && this.unavailableTo.has(recipient)) return json(400, { code: 230013, msg: "Bot has NO availability to this user." });
      injected = false;
      const chatLimited = this.groupChatLimit(receiveIdType, data.receive_id ?? null, replyMatch?.[1] ?? null);
      if (chatLimited) return json(chatLimited.status, chatLimited.body, chatLimited.headers);
      const fault = await this.injectFault(targetChat ?? recipient);
      if (fault) {
        injected = fault.injected ?? false;
        return json(fault.status, fault.body, fault.headers);
      }
      if (data.uuid) this.attemptsByUuid.set(data.uuid, (this.attemptsByUuid.get(data.uuid) ?? 0) + 1);
      const earlier = data.uuid ? this.uuidToMessage.get(data.uuid) : undefined;
      // the same uuid sends at most once per hour (on the fake's clock): after that it is a new message
      const existing = earlier && this.now() - earlier.at < UUID_WINDOW_MS ? earlier : undefined;
      /** the message went in; the answer is lost with the connection */
      const cut = () => {
        if (!this.faults.cutAfterAccept) return false;
        this.faults.cutAfterAccept--;
        record.status = 0;
        req.socket.destroy();
        return true;
      };
      if (existing) return cut() ? undefined : json(200, { code: 0, msg: "success", data: { message_id: existing.messageId } });
      const replyTo = replyMatch?.[1] ?? null;
      const original = replyTo ? this.messages.find((m) => m.messageId === replyTo) : undefined;
      const message: DeliveredMessage = {
        messageId: `om_fake_${++this.messageCounter}`,
        operation: sendPath ? "send" : "reply",
        receiveIdType,
        receiveId: data.receive_id ?? null,
        chatId: receiveIdType === "chat_id" ? data.receive_id! : receiveIdType === "open_id" ? `oc_p2p_${data.receive_id}` : original?.chatId ?? this.chatOf(null, null, replyTo) ?? `reply:${replyTo}`,
        replyTo,
        msgType: data.msg_type,
        content,
        uuid: data.uuid ?? null,
        at: this.now(),
        updates: [],
      };
      this.messages.push(message);
      if (data.uuid) this.uuidToMessage.set(data.uuid, message);
      for (const listener of this.listeners) listener(message);
      if (cut()) return;
      return json(200, { code: 0, msg: "success", data: { message_id: message.messageId, chat_id: message.chatId } });
    }

    const patchMatch = url.pathname.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)$/);
    if (patchMatch && req.method === "PATCH") {
      const message = this.messages.find((m) => m.messageId === patchMatch[1]);
      if (!message) return json(400, { code: 230011, msg: "message not found" });
      // 更新已发送的消息卡片: "仅支持更新 14 天内发送的消息" (230031)
      if (this.isExpired(message)) {
        this.expiredCardUses.push({ messageId: message.messageId, use: "update" });
        return json(400, { code: 230031, msg: "Message can only be modified within 14 days after sending." });
      }
      const content = (body as { content?: string })?.content;
      if (typeof content !== "string") return json(400, { code: 230001, msg: "invalid content" });
      const refused = this.refuse(url.pathname, checkMessageBody(this.rawBytes.get(req) ?? 0, { msg_type: message.msgType, content }));
      if (refused) return json(400, cardRefusal(refused));
      // 更新已发送的消息卡片: only cards, and "更新前后卡片的 config 属性中，均显式声明 update_multi:true"
      const updateMulti = (card: unknown) => (card as { config?: { update_multi?: unknown } } | null)?.config?.update_multi === true;
      let next: unknown;
      try {
        next = JSON.parse(content);
      } catch {
        return json(400, { code: 230001, msg: "content is not JSON" });
      }
      if (message.msgType !== "interactive") return json(400, { code: 230001, msg: "only a card message can be updated" });
      if (!updateMulti(message.updates.at(-1) ?? message.content) || !updateMulti(next)) {
        return json(400, { code: 230001, msg: "a card update needs config.update_multi: true before and after" });
      }
      // 单条消息更新频控为 5 QPS
      const now = this.baseNow();
      const times = (this.patchTimes.get(message.messageId) ?? []).filter((t) => t > now - 1000);
      if (times.length >= 5) return json(400, { code: 230020, msg: "This operation triggers the frequency limit." });
      times.push(now);
      this.patchTimes.set(message.messageId, times);
      message.updates.push(next);
      for (const listener of this.listeners) listener(message);
      return json(200, { code: 0, msg: "success" });
    }

    if (url.pathname === "/open-apis/interactive/v1/card/update" && req.method === "POST") {
      const { token, card } = (body ?? {}) as { token?: string; card?: unknown };
      if (!token || !card) return json(400, { code: 10002, msg: "token and card required" });
      // 延时更新消息卡片: the token of a callback Feishu delivered, within 30 minutes, at most twice
      if (typeof token !== "string" || !token.startsWith("c-")) return json(400, { code: 300020, msg: "The format of the token for updating the card is wrong." });
      const issued = this.callbackTokens.get(token);
      if (!issued || this.now() - issued.issuedAt > CALLBACK_TOKEN_LIFETIME_MS) return json(400, { code: 300030, msg: "The token for updating the card has expired." });
      if (issued.uses >= CALLBACK_TOKEN_USES) return json(400, { code: 300040, msg: "The token for updating the card has exceeded the usage limit." });
      const refused = this.refuse(url.pathname, (this.rawBytes.get(req) ?? 0) > MAX_CARD_BODY_BYTES ? checkMessageBody(this.rawBytes.get(req)!, { msg_type: "interactive" }) : checkCard(card));
      if (refused) return json(400, cardRefusal(refused));
      issued.uses++;
      return json(200, { code: 0, msg: "success" });
    }

    const resourceMatch = url.pathname.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/);
    if (resourceMatch && req.method === "GET") {
      const file = this.files.get(`${decodeURIComponent(resourceMatch[1]!)}/${decodeURIComponent(resourceMatch[2]!)}`);
      if (!file) return json(400, { code: 234003, msg: "file not found" });
      record.status = 200;
      res.writeHead(200, { "content-type": "application/octet-stream", "content-disposition": `attachment; filename="${encodeURIComponent(file.name)}"` });
      // streamed in 64 KB chunks with backpressure, counting what the client pulled: a reader that stops early
      // (cancels the body) leaves `served` well under the file's size (see `servedBytes`)
      const served = { bytes: 0 };
      this.served.set(record, served);
      for (let at = 0; at < file.bytes.byteLength && !res.destroyed; at += 64 * 1024) {
        const chunk = Buffer.from(file.bytes.subarray(at, at + 64 * 1024));
        served.bytes += chunk.byteLength;
        if (!res.write(chunk)) await new Promise<void>((resolve) => { res.once("drain", resolve); res.once("close", resolve); });
      }
      res.end();
      return;
    }

    /** answers 99991672 and says true when the app lacks `scope` */
    const denied = (scope: string): boolean => {
      if (!this.deniedScopes.has(scope)) return false;
      injected = true;
      json(400, { code: 99991672, msg: `Access denied. One of the following scopes is required: [${scope}]` });
      return true;
    };

    if (url.pathname === "/open-apis/bot/v3/info" && req.method === "GET") {
      // no scope needed; without the bot capability there is no bot to describe
      injected = !this.botEnabled;
      if (!this.botEnabled) return json(400, { code: 10003, msg: "the app has no bot capability" });
      return json(200, { code: 0, msg: "ok", bot: { activate_status: 2, app_name: "督学助手", avatar_url: "", ip_white_list: [], open_id: this.botOpenId } });
    }

    const inChatMatch = url.pathname.match(/^\/open-apis\/im\/v1\/chats\/([^/]+)\/members\/is_in_chat$/);
    if (inChatMatch && req.method === "GET") {
      if (denied("im:chat:readonly")) return;
      return json(200, { code: 0, msg: "success", data: { is_in_chat: this.botChats.has(decodeURIComponent(inChatMatch[1]!)) } });
    }

    if (url.pathname === "/open-apis/application/v6/scopes" && req.method === "GET") {
      // 查询租户授权状态: no scope needed; 1 granted, 2 not granted
      const scopes = [...this.appScopes].map((scope) => ({ scope_name: scope, grant_status: this.deniedScopes.has(scope) ? 2 : 1 }));
      return json(200, { code: 0, msg: "success", data: { scopes } });
    }

    if (url.pathname === "/open-apis/im/v1/chats" && req.method === "GET") {
      // the groups the bot is in, one page (page_size 1–100, default 20)
      if (denied("im:chat:readonly")) return;
      const size = Math.min(Math.max(Number(query.page_size ?? 20) || 20, 1), 100);
      const items = [...this.botChats].slice(0, size).map((chatId) => ({ chat_id: chatId, name: this.chatNames.get(chatId) ?? chatId, chat_status: "normal" }));
      return json(200, { code: 0, msg: "success", data: { items, has_more: this.botChats.size > size } });
    }

    if (url.pathname === "/open-apis/contact/v3/users/batch_get_id" && req.method === "POST") {
      if (denied("contact:user.id:readonly")) return;
      const { mobiles = [], emails = [] } = (body ?? {}) as { mobiles?: string[]; emails?: string[] };
      const userList = [
        ...mobiles.map((mobile) => ({ mobile, ...(this.directory.has(mobile) ? { user_id: this.directory.get(mobile) } : {}) })),
        ...emails.map((email) => ({ email, ...(this.directory.has(email) ? { user_id: this.directory.get(email) } : {}) })),
      ];
      return json(200, { code: 0, msg: "success", data: { user_list: userList } });
    }

    return json(404, { code: 404, msg: `no such endpoint in the fake: ${req.method} ${url.pathname}` });
  }

  /** The refusals so far, forgotten: for a test that sends a refused card on purpose (TestWorker.stop fails on any left). */
  takeRefusedCards(): { path: string; violations: Violation[] }[] {
    this.takeRefusals((r) => r.card === true);
    return this.refusedCards.splice(0, this.refusedCards.length);
  }

  /** Feishu's answer to a card it refuses (HTTP 400, code 230099 with the ErrCode, or 230025), recorded in refusedCards. */
  private refuse(path: string, violations: Violation[]): { code: number; msg: string } | null {
    if (violations.length === 0) return null;
    this.refusedCards.push({ path, violations });
    return { code: violations[0]!.code, msg: violationMessage(violations[0]!) };
  }

  /**
   * Images: a user's message image through the resource API (`type=image`, as Feishu: the key must belong to the
   * message), and the bot's uploads (im/v1/images: multipart `image_type` message|avatar and `image`, not empty,
   * at most 10 MB, a format Feishu reads). Answers true when it handled the request.
   */
  private async handleImages(
    req: IncomingMessage,
    url: URL,
    query: Record<string, string>,
    body: unknown,
    record: RecordedCall,
    json: (status: number, payload: unknown) => void,
    res: ServerResponse,
  ): Promise<boolean> {
    const resource = url.pathname.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/);
    if (resource && req.method === "GET" && query.type === "image") {
      const image = this.messageImages.get(`${decodeURIComponent(resource[1]!)}/${decodeURIComponent(resource[2]!)}`);
      if (!image) {
        json(400, { code: 234003, msg: "File not in message." });
        return true;
      }
      record.status = 200;
      res.writeHead(200, { "content-type": image.contentType, "content-length": String(image.bytes.byteLength) });
      res.end(Buffer.from(image.bytes));
      return true;
    }
    if (url.pathname === "/open-apis/im/v1/images" && req.method === "POST") {
      if (this.imageUploadGate) {
        this.heldUploads++;
        await this.imageUploadGate;
        this.heldUploads--;
      }
      if (this.failNextImageUploads > 0) {
        this.failNextImageUploads--;
        json(500, injectedAnswer({ code: 2200, msg: "Internal Error" }));
        return true;
      }
      if (!((body as object) instanceof FormData)) {
        json(400, { code: 234001, msg: "Invalid request param: multipart/form-data expected" });
        return true;
      }
      const form = body as FormData;
      const image = form.get("image") as unknown as Blob | string | null;
      const imageType = form.get("image_type");
      if (!image || typeof image === "string" || (imageType !== "message" && imageType !== "avatar")) {
        json(400, { code: 234001, msg: "Invalid request param: image_type and image are required" });
        return true;
      }
      const bytes = new Uint8Array(await image.arrayBuffer());
      record.body = { image_type: imageType, size: bytes.byteLength };
      if (bytes.byteLength === 0) {
        json(400, { code: 234010, msg: "File's size can't be 0." });
        return true;
      }
      if (bytes.byteLength > 10_000_000) {
        json(400, { code: 234006, msg: "The file size exceed the max value." });
        return true;
      }
      const contentType = sniffImage(bytes);
      if (!contentType) {
        json(400, { code: 234011, msg: "Can't regonnize the image format." });
        return true;
      }
      const imageKey = `img_v3_fake_${++this.imageCounter}`;
      this.uploadedImages.set(imageKey, { bytes, contentType, imageType });
      json(200, { code: 0, msg: "success", data: { image_key: imageKey } });
      return true;
    }
    return false;
  }

  /** Tells the fake which chat a user's message (an inbound event) is in, so replies to it count against that chat. */
  noteIncoming(messageId: string, chatId: string): void {
    this.incomingChats.set(messageId, chatId);
    // Feishu delivers a group's messages to the bot only while it is in the group
    if (!chatId.startsWith("oc_p2p_")) this.botChats.add(chatId);
  }

  /** The chat a send or reply lands in: the chat_id, the p2p chat of an open_id, or the replied-to message's chat. */
  private chatOf(receiveIdType: string | null, receiveId: string | null, replyTo: string | null): string | undefined {
    if (receiveIdType === "chat_id") return receiveId ?? undefined;
    if (receiveIdType === "open_id") return `oc_p2p_${receiveId}`;
    if (!replyTo) return undefined;
    return this.incomingChats.get(replyTo) ?? this.messages.find((m) => m.messageId === replyTo)?.chatId;
  }

  /**
   * Feishu: at most 5 messages per second per group chat, shared by all bots, replies included
   * (../shared/docs/feishu.md "Limits"); always enforced. Over it, message send answers 230020.
   */
  private groupChatLimit(receiveIdType: string | null, receiveId: string | null, replyTo: string | null) {
    const chatId = this.chatOf(receiveIdType, receiveId, replyTo);
    if (!chatId || chatId.startsWith("oc_p2p_")) return null;
    const now = this.baseNow();
    const times = (this.groupTimes.get(chatId) ?? []).filter((t) => t > now - 1000);
    if (times.length >= 5) {
      this.groupRefusals.set(chatId, (this.groupRefusals.get(chatId) ?? 0) + 1);
      return { status: 400, body: { code: 230020, msg: "the chat's message rate limit was exceeded" }, headers: {} as Record<string, string> };
    }
    times.push(now);
    this.groupTimes.set(chatId, times);
    return null;
  }

  private async injectFault(recipient: string): Promise<{ status: number; body: unknown; headers?: Record<string, string>; injected?: boolean } | null> {
    const now = this.baseNow();
    if (this.enforceRateLimits) {
      while (this.sendTimes.length && this.sendTimes[0]! < now - 60_000) this.sendTimes.shift();
      const lastSecond = this.sendTimes.filter((t) => t > now - 1000).length;
      const times = (this.recipientTimes.get(recipient) ?? []).filter((t) => t > now - 1000);
      if (lastSecond >= 50 || this.sendTimes.length >= 1000 || times.length >= 5) {
        this.limitRefusals++;
        const reason = lastSecond >= 50 ? "app: 50 in a second" : this.sendTimes.length >= 1000 ? "app: 1,000 in a minute" : "recipient: 5 in a second";
        this.limitRefusalReasons.set(reason, (this.limitRefusalReasons.get(reason) ?? 0) + 1);
        const reset = this.sendTimes.length >= 1000 ? Math.ceil((this.sendTimes[0]! + 60_000 - now) / 1000) : 1;
        return { status: 429, body: { code: 99991400, msg: "request trigger frequency limit" }, headers: { "x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": String(reset) } };
      }
      this.sendTimes.push(now);
      times.push(now);
      this.recipientTimes.set(recipient, times);
    }
    const limited = this.faults.rateLimitNext;
    if (limited && limited.count > 0) {
      limited.count--;
      return { status: 429, body: { code: 99991400, msg: "request trigger frequency limit" }, headers: { "x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": String(limited.resetSeconds) }, injected: true };
    }
    if (this.faults.failNextSends) {
      this.faults.failNextSends--;
      return { status: 500, body: { code: 1, msg: "internal error" }, injected: true };
    }
    const { rate429 = 0, rate500 = 0, slowRate = 0, slowMs = 0 } = this.faults;
    const roll = this.random();
    if (roll < rate429) return { status: 429, body: { code: 99991400, msg: "request trigger frequency limit" }, headers: { "x-ogw-ratelimit-reset": "1" }, injected: true };
    if (roll < rate429 + rate500) return { status: 500, body: { code: 1, msg: "internal error" }, injected: true };
    if (slowRate && this.random() < slowRate) await (this.holdSlowAnswer?.(recipient) ?? new Promise((resolve) => setTimeout(resolve, slowMs)));
    return null;
  }

  /** Test hook (w29b, delivery.faults): a slow answer waits for this promise instead of `slowMs` of real time; undefined to use `slowMs`. */
  holdSlowAnswer?: (recipient: string) => Promise<void> | undefined;
}

/** answers the fake gives because the test arranged it (marked `injected` in `refusals`) */
const INJECTED = new WeakSet<object>();
function injectedAnswer<T extends object>(payload: T): T {
  INJECTED.add(payload);
  return payload;
}
/** card refusals (also in refusedCards; takeRefusedCards forgets both) */
const CARD_REFUSALS = new WeakSet<object>();
function cardRefusal<T extends object>(payload: T): T {
  CARD_REFUSALS.add(payload);
  return payload;
}

function matches(matcher: RefusalMatcher, refusal: Refusal): boolean {
  if (typeof matcher === "number") return refusal.code === matcher;
  if (typeof matcher === "function") return matcher(refusal);
  return Object.entries(matcher).every(([key, value]) => refusal[key as keyof Refusal] === value);
}

/**
 * What Feishu says is wrong with a message's content for its msg_type (发送消息内容结构), or null: text is
 * `{"text": "..."}` (not empty); post is `{"<locale>": {"title"?, "content": [[{tag, ...}]]}}`; image
 * `{"image_key"}`; file `{"file_key"}`; interactive a card object (checked by conformance.ts).
 */
export function contentShapeError(msgType: string, content: unknown): string | null {
  if (!content || typeof content !== "object" || Array.isArray(content)) return "content must be a JSON object";
  const c = content as Record<string, unknown>;
  switch (msgType) {
    case "text":
      return typeof c.text === "string" && c.text.length > 0 ? null : "text content needs a non-empty `text` string";
    case "post": {
      const locales = Object.values(c);
      if (locales.length === 0) return "post content needs a locale (zh_cn, en_us, ...)";
      for (const locale of locales) {
        const body = locale as { title?: unknown; content?: unknown } | null;
        if (!body || typeof body !== "object" || !Array.isArray(body.content)) return "post locale needs a `content` array of paragraphs";
        if (body.title !== undefined && typeof body.title !== "string") return "post title must be a string";
        for (const paragraph of body.content) {
          if (!Array.isArray(paragraph) || paragraph.some((node) => !node || typeof node !== "object" || typeof (node as { tag?: unknown }).tag !== "string")) {
            return "each post paragraph is an array of nodes with a `tag`";
          }
        }
      }
      return null;
    }
    case "image":
      return typeof c.image_key === "string" && c.image_key ? null : "image content needs `image_key`";
    case "file":
      return typeof c.file_key === "string" && c.file_key ? null : "file content needs `file_key`";
    default:
      return null;
  }
}

/** The formats Feishu's image upload reads, by their first bytes (JPEG, PNG, GIF, WEBP, BMP, TIFF, HEIC). */
function sniffImage(bytes: Uint8Array): string | null {
  const text = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (text(1, 4) === "PNG" && bytes[0] === 0x89) return "image/png";
  if (text(0, 4) === "GIF8") return "image/gif";
  if (text(0, 4) === "RIFF" && text(8, 12) === "WEBP") return "image/webp";
  if (text(0, 2) === "BM") return "image/bmp";
  if (text(0, 4) === "II*\0" || text(0, 4) === "MM\0*") return "image/tiff";
  if (text(4, 8) === "ftyp") return "image/heic";
  return null;
}
