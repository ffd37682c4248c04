import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import type { DeliveredMessage, FakeFeishu } from "../../test/support/fake-feishu.ts";
import { feishuRequest } from "../../test/support/feishu-signing.ts";
import { checkCard, violationMessage } from "../../src/feishu/conformance.ts";
import { d1Query, type D1Target } from "../lib/wrangler-d1.ts";

/**
 * The local Feishu simulator: it plays the users (signed, encrypted events
 * and card callbacks to the Worker, exactly as Feishu sends them), shows what
 * the bot sent (the fake Open Platform's record) and serves the browser page
 * (./page: plain HTML, CSS and JS, no build step).
 */

export const OFFICE_GROUP_CHAT_ID = "oc_sim_office_group";
const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "page");
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

export interface SimPerson {
  code: string;
  name: string;
  role: string;
  open_id: string | null;
  lang: string;
  /** the zone's name (supervisors) or the school's name (school contacts) */
  place?: string | null;
}

export interface SimOptions {
  fake: FakeFeishu;
  workerUrl: string;
  verificationToken: string;
  encryptKey: string;
  d1: D1Target;
}

export type ChatKind = "p2p" | "group";

/** One message as the page shows it: something a simulated user sent, or something the bot sent. */
export interface FeedItem {
  id: string;
  from: "user" | "bot";
  /** the chat it shows in: `oc_p2p_<open_id>` or the office group */
  chatId: string;
  /** user messages: the sender's code and name */
  sender?: { code: string; name: string };
  msgType: string;
  /** the current content: the latest update or callback answer, else the original */
  content: unknown;
  replyTo: string | null;
  at: number;
  version: number;
}

interface UserMessage {
  id: string;
  chatId: string;
  sender: { code: string; name: string };
  msgType: "text" | "file" | "image";
  content: unknown;
  at: number;
}

export interface ClickOptions {
  messageId?: string;
  chatId?: string;
  /** the component's tag (button, select_static, date_picker, input, checker…) */
  tag?: string;
  name?: string;
  /** select_static / date_picker outside a form */
  option?: string;
  /** multi_select_static outside a form */
  options?: string[];
  /** input outside a form */
  inputValue?: string;
  /** checker outside a form */
  checked?: boolean;
}

export class Simulator {
  private people: SimPerson[] = [];
  private peopleLoaded = false;
  private counter = 0;
  private readonly userMessages = new Map<string, UserMessage>();
  /** card answers of callbacks (applied in place, like Feishu does) by message id */
  private readonly overrides = new Map<string, unknown>();
  private readonly versions = new Map<string, number>();
  /** the id changed at each sequence number (index + 1) */
  private readonly changes: string[] = [];
  /** callback token → the message whose card was clicked (for delayed card updates) */
  private readonly tokens = new Map<string, string>();
  private callsSeen = 0;
  readonly options: SimOptions;
  url = "";

  constructor(options: SimOptions) {
    this.options = options;
    options.fake.onMessage((message) => {
      this.overrides.delete(message.messageId);
      this.changed(message.messageId);
    });
  }

  private changed(id: string): void {
    this.versions.set(id, (this.versions.get(id) ?? 0) + 1);
    this.changes.push(id);
  }

  loadPeople(): SimPerson[] {
    const [rows = []] = d1Query<SimPerson>(
      `SELECT p.code, p.name, p.role, p.open_id, p.lang, COALESCE(s.name, z.name) AS place
         FROM people p LEFT JOIN zones z ON z.code = p.zone_code LEFT JOIN schools s ON s.code = p.school_code
        WHERE p.active = 1 ORDER BY p.role, p.code`,
      this.options.d1,
    );
    this.people = rows;
    this.peopleLoaded = true;
    return rows;
  }

  /** The schools' valid public page links (issued with `名牌 <学校>`), on the local Worker. */
  nameplates(): { code: string; name: string; url: string }[] {
    const [rows = []] = d1Query<{ code: string; name: string; token: string }>(
      `SELECT s.code, s.name, t.token FROM nameplate_tokens t JOIN schools s ON s.code = t.school_code AND s.active = 1
        WHERE t.revoked_at IS NULL ORDER BY s.code`,
      this.options.d1,
    );
    return rows.map((row) => ({ code: row.code, name: row.name, url: `${this.options.workerUrl}/p/${row.token}` }));
  }

  private cachedPeople(): SimPerson[] {
    return this.peopleLoaded ? this.people : this.loadPeople();
  }

  person(code: string): SimPerson | undefined {
    const find = () => this.people.find((p) => p.code.toLowerCase() === code.toLowerCase() || p.open_id === code);
    return find() ?? (this.loadPeople(), find());
  }

  private personWithOpenId(code: string): SimPerson & { open_id: string } {
    const person = this.person(code);
    if (!person?.open_id) throw new Error(`no person with code or open_id ${code} (and an open_id) on the roster`);
    return person as SimPerson & { open_id: string };
  }

  private static chatKind(chat: unknown): ChatKind {
    if (chat === undefined || chat === null || chat === "p2p") return "p2p";
    if (chat === "group") return "group";
    throw new Error(`chat must be "p2p" or "group"`);
  }

  static chatIdOf(openId: string, chat: ChatKind): string {
    return chat === "group" ? OFFICE_GROUP_CHAT_ID : `oc_p2p_${openId}`;
  }

  private async post(path: "/feishu/events" | "/feishu/cards", payload: unknown): Promise<Response> {
    const { body, headers } = feishuRequest(payload, { encryptKey: this.options.encryptKey });
    return fetch(`${this.options.workerUrl}${path}`, { method: "POST", body, headers });
  }

  private async waitForMessages(chatId: string, since: number, messageId: string, quietMs = 1500, maxMs = 15_000) {
    const deadline = Date.now() + maxMs;
    let lastCount = -1;
    let stableSince = Date.now();
    for (;;) {
      const found = this.options.fake.messages.slice(since).filter((m) => m.chatId === chatId || m.replyTo === messageId);
      if (found.length !== lastCount) {
        lastCount = found.length;
        stableSince = Date.now();
      }
      if ((found.length > 0 && Date.now() - stableSince > quietMs) || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private nextId(): string {
    return `${Date.now().toString(36)}${++this.counter}`;
  }

  /** Posts an `im.message.receive_v1` event as this person and records the message for the page. */
  private async sendMessage(
    person: SimPerson & { open_id: string },
    chat: ChatKind,
    message: { type: "text"; text: string } | { type: "file"; fileKey: string; fileName: string } | { type: "image"; imageKey: string },
    messageId: string,
  ) {
    const id = messageId.replace(/^om_sim_/, "");
    chat = Simulator.chatKind(chat);
    const chatId = Simulator.chatIdOf(person.open_id, chat);
    const content =
      message.type === "text"
        ? { text: chat === "group" ? `@_user_1 ${message.text}` : message.text }
        : message.type === "image"
          ? { image_key: message.imageKey }
          : { file_key: message.fileKey, file_name: message.fileName };
    this.userMessages.set(messageId, {
      id: messageId,
      chatId,
      sender: { code: person.code, name: person.name },
      msgType: message.type,
      content: message.type === "text" ? { text: message.text } : message.type === "image" ? { ...content, src: `/api/message-images/${messageId}/${message.imageKey}` } : content,
      at: Date.now(),
    });
    this.changed(messageId);
    const response = await this.post("/feishu/events", {
      schema: "2.0",
      header: { event_id: `ev_sim_${id}`, event_type: "im.message.receive_v1", create_time: String(Date.now()), token: this.options.verificationToken, app_id: this.options.fake.appId, tenant_key: "sim" },
      event: {
        sender: { sender_id: { open_id: person.open_id, union_id: `on_${person.open_id}`, user_id: null }, sender_type: "user", tenant_key: "sim" },
        message: {
          message_id: messageId,
          root_id: "",
          parent_id: "",
          create_time: String(Date.now()),
          chat_id: chatId,
          chat_type: chat,
          message_type: message.type,
          content: JSON.stringify(content),
          mentions: chat === "group" && message.type === "text" ? [{ key: "@_user_1", id: { open_id: this.options.fake.botOpenId }, name: "督学助手" }] : [],
        },
      },
    });
    if (!response.ok) throw new Error(`the Worker answered ${response.status}: ${await response.text()}`);
    return { chatId, messageId };
  }

  /** Sends a text message as a person and waits for the bot's answers (npm run say). */
  async say(code: string, text: string, chat: ChatKind = "p2p") {
    const person = this.personWithOpenId(code);
    if (typeof text !== "string" || !text.trim()) throw new Error("empty message");
    const since = this.options.fake.messages.length;
    const { chatId, messageId } = await this.sendMessage(person, chat, { type: "text", text }, `om_sim_${this.nextId()}`);
    return this.waitForMessages(chatId, since, messageId);
  }

  /** Sends a text message as a person without waiting: the page sees the answers in its feed. */
  async send(code: string, text: string, chat: ChatKind = "p2p") {
    if (typeof text !== "string" || !text.trim()) throw new Error("empty message");
    return this.sendMessage(this.personWithOpenId(code), chat, { type: "text", text }, `om_sim_${this.nextId()}`);
  }

  /** Sends a file (e.g. a roster CSV) as a person: the fake serves it as the message's resource. */
  async sendFile(code: string, fileName: string, content: string, chat: ChatKind = "p2p") {
    const person = this.personWithOpenId(code);
    if (!fileName || typeof content !== "string") throw new Error("a file needs a name and content");
    const id = this.nextId();
    const messageId = `om_sim_${id}`;
    const fileKey = `file_v3_sim_${id}`;
    this.options.fake.addFile(messageId, fileKey, fileName, content);
    const sent = await this.sendMessage(person, chat, { type: "file", fileKey, fileName }, messageId);
    // a roster file may change the people: reload the list on next request
    this.peopleLoaded = false;
    return sent;
  }

  /** Sends a photo as a Feishu image message (direct chat): the fake serves its bytes through the message resource API. */
  async sendImage(code: string, base64: string, contentType = "image/jpeg") {
    const person = this.personWithOpenId(code);
    if (typeof base64 !== "string" || base64.length === 0) throw new Error("an image needs its bytes (base64)");
    const bytes = new Uint8Array(Buffer.from(base64, "base64"));
    const id = this.nextId();
    const messageId = `om_sim_${id}`;
    const imageKey = `img_v3_sim_${id}`;
    this.options.fake.addMessageImage(messageId, imageKey, bytes, contentType);
    return this.sendMessage(person, "p2p", { type: "image", imageKey }, messageId);
  }

  /**
   * The events besides messages, as Feishu sends them (事件体 of each page): a bot menu item tapped
   * (`application.bot.menu_v6`, its `event_key`), the direct chat opened (`…bot_p2p_chat_entered_v1`), the bot
   * added to or removed from the office group (`im.chat.member.bot.added_v1` / `…deleted_v1`) by this person.
   */
  async chatEvent(code: string, kind: string, key?: string) {
    const person = this.personWithOpenId(code);
    const types: Record<string, string> = {
      menu: "application.bot.menu_v6",
      enter: "im.chat.access_event.bot_p2p_chat_entered_v1",
      bot_added: "im.chat.member.bot.added_v1",
      bot_removed: "im.chat.member.bot.deleted_v1",
    };
    const eventType = types[kind];
    if (!eventType) throw new Error(`unknown event kind ${JSON.stringify(kind)}`);
    if (kind === "menu" && (typeof key !== "string" || key.length < 1 || key.length > 30)) throw new Error("a menu item's event_key is 1–30 characters");
    const operatorId = { union_id: `on_${person.open_id}`, user_id: null, open_id: person.open_id };
    const event =
      kind === "menu"
        ? { operator: { operator_name: person.name, operator_id: operatorId }, event_key: key, timestamp: Math.floor(Date.now() / 1000) }
        : kind === "enter"
          ? { chat_id: Simulator.chatIdOf(person.open_id, "p2p"), operator_id: operatorId, last_message_id: "", last_message_create_time: String(Date.now()) }
          : { chat_id: OFFICE_GROUP_CHAT_ID, operator_id: operatorId, external: false, operator_tenant_key: "sim", name: "督导室群", i18n_names: { zh_cn: "督导室群", en_us: "office group", ja_jp: "" } };
    const id = this.nextId();
    const response = await this.post("/feishu/events", {
      schema: "2.0",
      header: { event_id: `ev_sim_${id}`, event_type: eventType, create_time: String(Date.now()), token: this.options.verificationToken, app_id: this.options.fake.appId, tenant_key: "sim" },
      event,
    });
    if (!response.ok) throw new Error(`the Worker answered ${response.status}: ${await response.text()}`);
    return { ok: true, eventType };
  }

  /** Clicks a card button, submits a form or changes a component as a person; returns the callback's answer. */
  async click(code: string, value: Record<string, unknown>, formValue?: Record<string, unknown>, messageIdOrOptions?: string | ClickOptions) {
    const person = this.personWithOpenId(code);
    const o: ClickOptions = typeof messageIdOrOptions === "string" ? { messageId: messageIdOrOptions } : (messageIdOrOptions ?? {});
    const id = this.nextId();
    const action: Record<string, unknown> = { value: value ?? {}, tag: o.tag ?? "button" };
    if (o.name) action.name = o.name;
    if (formValue) {
      action.name = o.name ?? "submit";
      action.form_value = formValue;
    }
    if (o.option !== undefined) action.option = o.option;
    if (o.tag === "date_picker" && o.option !== undefined) action.timezone = "Asia/Shanghai";
    if (o.options !== undefined) action.options = o.options;
    if (o.inputValue !== undefined) action.input_value = o.inputValue;
    if (o.checked !== undefined) action.checked = o.checked;
    const response = await this.post("/feishu/cards", {
      schema: "2.0",
      header: { event_id: `ev_sim_card_${id}`, event_type: "card.action.trigger", create_time: String(Date.now()), token: this.options.verificationToken, app_id: this.options.fake.appId, tenant_key: "sim" },
      event: {
        operator: { tenant_key: "sim", user_id: null, open_id: person.open_id, union_id: `on_${person.open_id}` },
        token: `c-sim-${id}`,
        action,
        host: "im_message",
        context: { open_message_id: o.messageId ?? "", open_chat_id: o.chatId ?? Simulator.chatIdOf(person.open_id, "p2p") },
      },
    });
    if (o.messageId) this.tokens.set(`c-sim-${id}`, o.messageId);
    const text = await response.text();
    let answer: { toast?: unknown; card?: { type?: string; data?: unknown } } & Record<string, unknown>;
    try {
      answer = text ? JSON.parse(text) : {};
    } catch {
      answer = { error: `the Worker answered ${response.status}: ${text.slice(0, 200)}` };
    }
    if (!response.ok && !answer.error) answer.error = `the Worker answered ${response.status}`;
    // real Feishu refuses a card answer it would refuse as a message (src/feishu/conformance.ts): the clicked card stays as it was
    const violations = answer.card ? checkCard(answer.card.data) : [];
    if (violations.length) {
      answer.error = `Feishu would refuse the answer's card: ${violationMessage(violations[0]!)}`;
      delete answer.card;
    }
    // Feishu replaces the clicked card with the answer's card
    if (o.messageId && answer.card && answer.card.type === "raw" && answer.card.data) {
      this.overrides.set(o.messageId, answer.card.data);
      this.changed(o.messageId);
    }
    return answer;
  }

  /**
   * Runs a cron job at a chosen time. `wrangler dev --test-scheduled` serves Miniflare's
   * /cdn-cgi/handler/scheduled, which passes `time` on as the controller's scheduledTime
   * (its /__scheduled ignores `time` and always runs "now": only the fallback).
   */
  async cron(cron: string, timeMs: number) {
    if (typeof cron !== "string" || !Number.isFinite(Number(timeMs))) throw new Error("cron and time (ms) are required");
    const query = `cron=${encodeURIComponent(cron)}&time=${Number(timeMs)}`;
    let response = await fetch(`${this.options.workerUrl}/cdn-cgi/handler/scheduled?${query}`);
    if (response.status === 404) response = await fetch(`${this.options.workerUrl}/__scheduled?${query}`);
    return { status: response.status, outcome: (await response.text()).slice(0, 200) };
  }

  private feedItem(id: string): FeedItem | null {
    const version = this.versions.get(id) ?? 0;
    const user = this.userMessages.get(id);
    if (user) return { id, from: "user", chatId: user.chatId, sender: user.sender, msgType: user.msgType, content: user.content, replyTo: null, at: user.at, version };
    const message = this.options.fake.messages.find((m) => m.messageId === id);
    if (!message) return null;
    return {
      id,
      from: "bot",
      chatId: this.chatOf(message),
      msgType: message.msgType,
      content:
        message.msgType === "file"
          ? { ...(message.content as object), file_name: this.options.fake.uploadOf(message)?.name }
          : (this.overrides.get(id) ?? message.updates.at(-1) ?? message.content),
      replyTo: message.replyTo,
      at: message.at,
      version,
    };
  }

  /** A reply to a simulated user's message lands in that message's chat. */
  private chatOf(message: DeliveredMessage): string {
    if (message.replyTo && message.chatId.startsWith("reply:")) return this.userMessages.get(message.replyTo)?.chatId ?? message.chatId;
    return message.chatId;
  }

  /** Applies the bot's delayed card updates (by callback token) that the fake recorded since last time. */
  private applyDelayedUpdates(): void {
    const calls = this.options.fake.calls;
    if (this.callsSeen > calls.length) this.callsSeen = 0;
    for (; this.callsSeen < calls.length; this.callsSeen++) {
      const call = calls[this.callsSeen]!;
      if (call.path !== "/open-apis/interactive/v1/card/update" || call.status !== 200) continue;
      const { token, card } = (call.body ?? {}) as { token?: string; card?: unknown };
      const messageId = token ? this.tokens.get(token) : undefined;
      if (!messageId || !card) continue;
      let data: unknown = card;
      try {
        if (typeof data === "string") data = JSON.parse(data);
      } catch {
        continue;
      }
      this.overrides.set(messageId, data);
      this.changed(messageId);
    }
  }

  /** What changed since sequence number `since`, each item once, in order of its latest change. */
  feed(since: number): { seq: number; items: FeedItem[] } {
    this.applyDelayedUpdates();
    const from = Math.max(0, Math.min(Number.isFinite(since) ? since : 0, this.changes.length));
    const ids = [...new Set(this.changes.slice(from).reverse())].reverse();
    const items = ids.map((id) => this.feedItem(id)).filter((item): item is FeedItem => item !== null);
    items.sort((a, b) => a.at - b.at);
    return { seq: this.changes.length, items };
  }

  private servePage(pathname: string, res: ServerResponse): boolean {
    const file = pathname === "/" ? "index.html" : pathname.replace(/^\/page\//, "");
    if (pathname !== "/" && !pathname.startsWith("/page/")) return false;
    const path = normalize(join(PAGE_DIR, file));
    if (!path.startsWith(PAGE_DIR)) return false;
    let body: Buffer;
    try {
      body = readFileSync(path);
    } catch {
      return false;
    }
    const ext = path.slice(path.lastIndexOf("."));
    res.writeHead(200, { "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(body);
    return true;
  }

  async listen(port: number, extraRoutes?: (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>): Promise<this> {
    const server = createServer(async (req, res) => {
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
        res.end(JSON.stringify(payload));
      };
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const text = Buffer.concat(chunks).toString("utf8");
        const body = text ? JSON.parse(text) : {};
        const url = new URL(req.url ?? "/", "http://sim");
        if (extraRoutes && (await extraRoutes(req, res, body))) return;
        if (req.method === "GET" && this.servePage(url.pathname, res)) return;
        if (req.method === "GET" && url.pathname === "/api/people") return send(200, url.searchParams.has("refresh") ? this.loadPeople() : this.cachedPeople());
        if (req.method === "GET" && url.pathname === "/api/nameplates") return send(200, this.nameplates());
        if (req.method === "GET" && url.pathname === "/api/messages") return send(200, this.options.fake.messages.slice(Number(url.searchParams.get("since") ?? 0)));
        if (req.method === "GET" && url.pathname === "/api/feed") return send(200, this.feed(Number(url.searchParams.get("since") ?? 0)));
        const upload = req.method === "GET" ? /^\/api\/uploads\/([\w-]+)$/.exec(url.pathname) : null;
        if (upload) {
          const file = this.options.fake.uploads.get(upload[1]!);
          if (!file) return send(404, { error: "no such file" });
          res.writeHead(200, { "content-type": "application/octet-stream", "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}` });
          return res.end(Buffer.from(file.bytes));
        }
        // Images: those the bot uploaded (shown in its cards) and those people sent (their image messages).
        const image = req.method === "GET" ? /^\/api\/images\/([\w-]+)$/.exec(url.pathname) : null;
        const userImage = req.method === "GET" ? /^\/api\/message-images\/([\w-]+)\/([\w-]+)$/.exec(url.pathname) : null;
        if (image || userImage) {
          const found = image ? this.options.fake.uploadedImages.get(image[1]!) : this.options.fake.messageImages.get(`${userImage![1]}/${userImage![2]}`);
          if (!found) return send(404, { error: "no such image" });
          res.writeHead(200, { "content-type": found.contentType, "cache-control": "max-age=3600" });
          return res.end(Buffer.from(found.bytes));
        }
        if (req.method === "POST" && url.pathname === "/api/image") return send(200, await this.sendImage(body.as, body.data, body.type));
        if (req.method === "GET" && url.pathname === "/api/config") return send(200, { officeGroupChatId: OFFICE_GROUP_CHAT_ID, workerUrl: this.options.workerUrl, fakeUrl: this.options.fake.url });
        if (req.method === "POST" && url.pathname === "/api/say") return send(200, await this.say(body.as, body.text, body.chat));
        if (req.method === "POST" && url.pathname === "/api/send") return send(200, await this.send(body.as, body.text, body.chat));
        if (req.method === "POST" && url.pathname === "/api/file") return send(200, await this.sendFile(body.as, body.name, body.content, body.chat));
        if (req.method === "POST" && url.pathname === "/api/click") {
          const { as, value, formValue, messageId, chatId, tag, name, option, options, inputValue, checked } = body;
          return send(200, await this.click(as, value, formValue, { messageId, chatId, tag, name, option, options, inputValue, checked }));
        }
        if (req.method === "POST" && url.pathname === "/api/cron") return send(200, await this.cron(body.cron, body.time));
        if (req.method === "POST" && url.pathname === "/api/event") return send(200, await this.chatEvent(body.as, body.kind, body.key));
        send(404, { error: "not found" });
      } catch (error) {
        send(400, { error: error instanceof Error ? error.message : String(error) });
      }
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }
}
