import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeFeishu } from "../../test/support/fake-feishu.ts";
import { feishuRequest } from "../../test/support/feishu-signing.ts";
import { d1Query, type D1Target } from "../lib/wrangler-d1.ts";

/**
 * The local Feishu simulator's API: it plays the users (signed, encrypted
 * events and card callbacks to the Worker, exactly as Feishu sends them) and
 * shows what the bot sent (the fake Open Platform's record).
 */

export interface SimPerson {
  code: string;
  name: string;
  role: string;
  open_id: string | null;
  lang: string;
}

export interface SimOptions {
  fake: FakeFeishu;
  workerUrl: string;
  verificationToken: string;
  encryptKey: string;
  d1: D1Target;
}

export class Simulator {
  private people: SimPerson[] = [];
  private counter = 0;
  readonly options: SimOptions;
  url = "";

  constructor(options: SimOptions) {
    this.options = options;
  }

  loadPeople(): SimPerson[] {
    const [rows = []] = d1Query<SimPerson>("SELECT code, name, role, open_id, lang FROM people WHERE active = 1 ORDER BY role, code", this.options.d1);
    this.people = rows;
    return rows;
  }

  person(code: string): SimPerson | undefined {
    const find = () => this.people.find((p) => p.code.toLowerCase() === code.toLowerCase() || p.open_id === code);
    return find() ?? (this.loadPeople(), find());
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

  /** Sends a text message as a person, in their direct chat (or the office group with an @-mention). */
  async say(code: string, text: string, chat: "p2p" | "group" = "p2p") {
    const person = this.person(code);
    if (!person?.open_id) throw new Error(`no person with code or open_id ${code} (and an open_id) on the roster`);
    const id = `${Date.now().toString(36)}${++this.counter}`;
    const messageId = `om_sim_${id}`;
    const chatId = chat === "p2p" ? `oc_p2p_${person.open_id}` : "oc_sim_office_group";
    const since = this.options.fake.messages.length;
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
          message_type: "text",
          content: JSON.stringify({ text: chat === "group" ? `@_user_1 ${text}` : text }),
          mentions: chat === "group" ? [{ key: "@_user_1", id: { open_id: "ou_bot" }, name: "督学助手" }] : [],
        },
      },
    });
    if (!response.ok) throw new Error(`the Worker answered ${response.status}: ${await response.text()}`);
    return this.waitForMessages(chatId, since, messageId);
  }

  /** Clicks a card button or submits a form as a person; returns the callback's answer. */
  async click(code: string, value: Record<string, unknown>, formValue?: Record<string, unknown>, messageId?: string) {
    const person = this.person(code);
    if (!person?.open_id) throw new Error(`no person with code ${code}`);
    const id = `${Date.now().toString(36)}${++this.counter}`;
    const response = await this.post("/feishu/cards", {
      schema: "2.0",
      header: { event_id: `ev_sim_card_${id}`, event_type: "card.action.trigger", create_time: String(Date.now()), token: this.options.verificationToken, app_id: this.options.fake.appId, tenant_key: "sim" },
      event: {
        operator: { tenant_key: "sim", user_id: null, open_id: person.open_id, union_id: `on_${person.open_id}` },
        token: `c-sim-${id}`,
        action: { value, tag: "button", ...(formValue ? { name: "submit", form_value: formValue } : {}) },
        host: "im_message",
        context: { open_message_id: messageId ?? "", open_chat_id: `oc_p2p_${person.open_id}` },
      },
    });
    return response.json();
  }

  /** Runs a cron job at a chosen time through wrangler dev's /__scheduled. */
  async cron(cron: string, timeMs: number) {
    const response = await fetch(`${this.options.workerUrl}/__scheduled?cron=${encodeURIComponent(cron)}&time=${timeMs}`);
    return { status: response.status };
  }

  async listen(port: number, extraRoutes?: (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>): Promise<this> {
    const server = createServer(async (req, res) => {
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify(payload));
      };
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const text = Buffer.concat(chunks).toString("utf8");
        const body = text ? JSON.parse(text) : {};
        const url = new URL(req.url ?? "/", "http://sim");
        if (extraRoutes && (await extraRoutes(req, res, body))) return;
        if (req.method === "GET" && url.pathname === "/api/people") return send(200, this.loadPeople());
        if (req.method === "GET" && url.pathname === "/api/messages") return send(200, this.options.fake.messages.slice(Number(url.searchParams.get("since") ?? 0)));
        if (req.method === "POST" && url.pathname === "/api/say") return send(200, await this.say(body.as, body.text, body.chat));
        if (req.method === "POST" && url.pathname === "/api/click") return send(200, await this.click(body.as, body.value, body.formValue, body.messageId));
        if (req.method === "POST" && url.pathname === "/api/cron") return send(200, await this.cron(body.cron, body.time));
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
