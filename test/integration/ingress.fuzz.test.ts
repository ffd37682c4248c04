import { describe, expect, it } from "vitest";
import { seededRandom } from "../../scripts/lib/seeded-random.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { encryptLikeFeishu, feishuRequest, signLikeFeishu } from "../support/feishu-signing.ts";
import { ADMIN_OPEN_ID, cardActionEvent, ENCRYPT_KEY, messageEvent, VERIFICATION_TOKEN } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";

/**
 * A seeded fuzz of both ingress routes: random bytes, truncated and oversized bodies, a wrong type at every
 * envelope field, card actions with forged or missing ids, valid signatures over hostile payloads.
 * Never a 5xx; nothing written and nothing sent for any unauthenticated or invalid request; healthy afterwards.
 */

const SEED = 14_2026;
const random = seededRandom(SEED);
const int = (max: number) => Math.floor(random() * max);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
const ROUTES = ["/feishu/events", "/feishu/cards"] as const;
type Route = (typeof ROUTES)[number];

const WRONG_VALUES: readonly unknown[] = [null, 5, -1, 1e308, true, "", "x".repeat(300), [], [1, "a"], {}, { nested: { deep: [null] } }];
const HOSTILE_TEXT = ['<at user_id="all"></at>', "[x](http://evil)", "**", "# h", "- li", "> q", "\n\n", "\u0000\u202e", "'; DROP TABLE orders; --", "𠮷".repeat(50), "%s%n", "../../etc/passwd"];

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = int(256);
  return bytes;
}

function signedHeaders(body: string | Uint8Array, options: { timestamp?: number; key?: string } = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = `n${int(1e9)}`;
  return {
    "content-type": "application/json",
    "x-lark-request-timestamp": timestamp,
    "x-lark-request-nonce": nonce,
    "x-lark-signature": signLikeFeishu(timestamp, nonce, options.key ?? ENCRYPT_KEY, Buffer.from(body)),
  };
}

/** A payload encrypted and signed exactly as Feishu would: authenticated, whatever it holds. */
function sealed(payload: unknown): { body: string; headers: Record<string, string> } {
  return feishuRequest(payload, { encryptKey: ENCRYPT_KEY });
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  if (value === undefined) delete node[path.at(-1)!];
  else node[path.at(-1)!] = value;
}

let eventCounter = 0;
const eventId = () => `ev_fuzz_${SEED}_${++eventCounter}`;

function helpEvent(openId = "ou_sup_1", text = "help") {
  return messageEvent({ eventId: eventId(), messageId: `om_fuzz_${eventCounter}`, openId, chatType: "p2p", messageType: "text", content: { text } });
}

/** Fields of the message envelope whose wrong type must make the whole event invalid. */
const EVENT_FIELDS: readonly string[][] = [
  ["schema"],
  ["header"],
  ["header", "event_id"],
  ["header", "event_type"],
  ["header", "token"],
  ["header", "app_id"],
  ["header", "create_time"],
  ["event"],
  ["event", "sender"],
  ["event", "sender", "sender_id"],
  ["event", "sender", "sender_id", "open_id"],
  ["event", "sender", "sender_type"],
  ["event", "message"],
  ["event", "message", "message_id"],
  ["event", "message", "chat_id"],
  ["event", "message", "chat_type"],
  ["event", "message", "message_type"],
  ["event", "message", "content"],
  ["event", "message", "mentions"],
];
const CARD_FIELDS: readonly string[][] = [
  ["schema"],
  ["header"],
  ["header", "event_id"],
  ["header", "event_type"],
  ["header", "token"],
  ["header", "app_id"],
  ["event"],
  ["event", "operator"],
  ["event", "operator", "open_id"],
  ["event", "action"],
  ["event", "action", "value"],
  ["event", "action", "form_value"],
  ["event", "context"],
];

/** A value of the wrong type for a field (strings where the schema wants one are replaced by non-strings, and the reverse). */
function wrongValueFor(path: readonly string[]): unknown {
  const field = path.at(-1)!;
  const wantsString = !["header", "event", "sender", "sender_id", "message", "mentions", "operator", "action", "value", "form_value", "context"].includes(field);
  const candidates = WRONG_VALUES.filter((value) => (wantsString ? typeof value !== "string" : typeof value !== "object" || value === null || Array.isArray(value)));
  // Missing entirely is a wrong shape too, for the required fields.
  const required = !["sender_type", "app_id", "create_time", "form_value", "value", "context", "mentions"].includes(field);
  const value = required && random() < 0.15 ? undefined : pick(candidates);
  // `mentions` may be null or an empty array; a list of wrong items is the wrong type.
  if (field === "mentions" && (Array.isArray(value) || value === null)) return [5, "x"];
  if ((field === "value" || field === "form_value") && (value === null || value === undefined)) return "not an object";
  return value;
}

/** Card actions naming things that do not exist (nothing but the roster is stored): every one must change nothing and send nothing. */
function forgedCardAction() {
  const id = pick<unknown>([int(1e9), -int(100), 0, "1 OR 1=1", "督办〔2026〕999号", "", null, undefined, 1e308, { id: 1 }, pick(HOSTILE_TEXT)]);
  const value = pick<Record<string, unknown>>([
    { action: "order_ack", number: id },
    { action: "order_report", number: id },
    { action: "order_extension_request", number: id },
    { action: "order_extension_decide", number: id, request: id, decision: pick(["approve", "reject", id]) },
    { action: "open_report", assignment_id: id },
    { action: "edit_report", report_id: id },
    { action: "submit_report", assignment_id: id, version: id },
    { action: "submit_report", school_code: id, form_id: id },
    { action: "orders_page", filter: pick(["open", "bogus", id]), scope: pick([{ kind: "zone", code: id, name: id }, id, { kind: "weird" }]), page: pick([-1, 1e9, id]) },
    { action: "digest_zone", week: pick(["2099-W01", "bogus", id]), zone: pick(["Z99", id]) },
    { action: "order_issue_submit" },
    { action: "outbox_retry", max_id: pick([-1, "x", 1.5, null]) },
    { action: pick(HOSTILE_TEXT) },
    {},
  ]);
  if (value.action === undefined) delete value.action;
  const formValue =
    value.action === "order_issue_submit"
      ? { kind: pick(["bogus", "rectification_item", id]), schools: id, due: id, text: id }
      : value.action === "submit_report" || value.action === "order_report" || value.action === "order_extension_request"
        ? { done: id, result: id, ext_due: id, ext_reason: id, visit_date: id, p1_desc: pick(HOSTILE_TEXT) }
        : undefined;
  // Supervisors, a school contact, a stranger and the bootstrap admin; the manager only where forged ids cannot send anything.
  const operator = pick(["ou_sup_1", "ou_sup_3", "ou_contact_1", "ou_stranger_fuzz", ADMIN_OPEN_ID, "ou_mgr_1"]);
  const event = cardActionEvent({ openId: operator, value: value as Record<string, unknown>, formValue: formValue as Record<string, unknown> | undefined, messageId: pick([undefined, `om_forged_${int(1e6)}`]) });
  if (random() < 0.2) delete (event.event.context as Record<string, unknown>).open_message_id;
  if (random() < 0.1) delete (event.event.action as Record<string, unknown>).value;
  return event;
}

// Generous per-test limits: the whole file takes well under 30 s on an idle 2-core machine, far longer on a busy one.
const FUZZ_TIMEOUT_MS = 240_000;

describe("ingress fuzz", { timeout: FUZZ_TIMEOUT_MS }, () => {
  const statuses = new Map<number, number>();
  let sent = 0;

  const worker = useWorker({
    roster: true,
    setup: async () => {
      await worker.settle();
    },
  });

  async function send(route: Route, body: string | Uint8Array, headers: Record<string, string>): Promise<number> {
    const response = await worker.fetch(route, { method: "POST", body: body as BodyInit, headers });
    await response.arrayBuffer();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    sent++;
    return response.status;
  }

  /** Runs the requests a few at a time; every status below 500. */
  async function run(requests: readonly (() => Promise<number>)[]): Promise<void> {
    const failures: number[] = [];
    for (let i = 0; i < requests.length; i += 16) {
      const batch = await Promise.all(requests.slice(i, i + 16).map((request) => request()));
      failures.push(...batch.filter((status) => status >= 500));
    }
    expect(failures).toEqual([]);
  }

  async function expectNothingChanged(before: Record<string, number>) {
    await worker.settle();
    // No request made the Worker fail inside (an internal error is answered and logged, not a 5xx).
    expect(worker.logs.filter((line) => line.level === "error").map((line) => `${line.route} ${line.outcome} ${line.error}`)).toEqual([]);
    expect(await worker.snapshot()).toEqual(before);
    expect(worker.fake.calls).toEqual([]);
  }

  it("unauthenticated: random bytes, truncated, re-keyed, stale, forged, wrong-token and oversized requests are refused and change nothing", async () => {
    worker.fake.reset();
    const before = await worker.snapshot();
    const requests: (() => Promise<number>)[] = [];
    for (let i = 0; i < 950; i++) {
      const route = pick(ROUTES);
      const bytes = randomBytes(int(3) === 0 ? int(16) : int(2_000));
      const headers = pick([{}, { "content-type": "application/json" }, signedHeaders(bytes), signedHeaders(bytes, { key: "other" })]);
      requests.push(() => send(route, bytes, headers));
    }
    for (let i = 0; i < 300; i++) {
      const route = pick(ROUTES);
      const payload = route === "/feishu/events" ? helpEvent() : forgedCardAction();
      const { body, headers } = sealed(payload);
      const cut = body.slice(0, int(body.length));
      const variant = int(6);
      if (variant === 0) requests.push(() => send(route, cut, headers)); // truncated, signature of the whole
      else if (variant === 1) requests.push(() => send(route, cut, signedHeaders(cut))); // truncated and re-signed: cannot decrypt
      else if (variant === 2) requests.push(() => send(route, body, { ...headers, "x-lark-signature": randomHex() }));
      else if (variant === 3) requests.push(() => send(route, body, signedHeaders(body, { timestamp: Math.floor(Date.now() / 1000) - 301 - int(1e6) })));
      else if (variant === 4) {
        const wrong = structuredClone(payload) as { header: { token: string } };
        wrong.header.token = pick(["", "test-verification-tokem", VERIFICATION_TOKEN.toUpperCase()]);
        const request = sealed(wrong);
        requests.push(() => send(route, request.body, request.headers));
      } else {
        const plain = JSON.stringify(payload);
        requests.push(() => send(route, plain, pick([{ "content-type": "application/json" }, signedHeaders(plain)])));
      }
    }
    for (const route of ROUTES) {
      const big = "x".repeat(1024 * 1024 + 1 + int(1000));
      requests.push(() => send(route, big, signedHeaders(big)));
      const bigEncrypted = JSON.stringify({ encrypt: encryptLikeFeishu(ENCRYPT_KEY, JSON.stringify({ ...helpEvent(), pad: "y".repeat(1024 * 1024) })) });
      requests.push(() => send(route, bigEncrypted, signedHeaders(bigEncrypted)));
    }
    await run(requests);
    await expectNothingChanged(before);
  });

  it("authenticated but invalid: a wrong type at every field of the envelope, on both routes, changes nothing", async () => {
    worker.fake.reset();
    const before = await worker.snapshot();
    const requests: (() => Promise<number>)[] = [];
    for (let i = 0; i < 600; i++) {
      const route = pick(ROUTES);
      const fields = route === "/feishu/events" ? EVENT_FIELDS : CARD_FIELDS;
      const path = fields[i % fields.length]!;
      const payload = (route === "/feishu/events" ? helpEvent() : cardActionEvent({ openId: "ou_sup_1", value: { action: "open_report", assignment_id: 1 } })) as unknown as Record<string, unknown>;
      setPath(payload, path, wrongValueFor(path));
      // A second wrong field now and then.
      if (random() < 0.3) {
        const other = pick(fields);
        setPath(payload, other, wrongValueFor(other));
      }
      const { body, headers } = sealed(payload);
      requests.push(() => send(route, body, headers));
    }
    // Message bodies that are not what their type says.
    for (let i = 0; i < 100; i++) {
      const event = helpEvent();
      event.event.message.content = pick(["{", "null", "[]", '{"text":5}', '{"file_key":""}', '{"file_key":5}', JSON.stringify("help"), randomHex()]);
      (event.event.message as { message_type: string }).message_type = pick(["text", "file"]);
      const { body, headers } = sealed(event);
      requests.push(() => send("/feishu/events", body, headers));
    }
    await run(requests);
    await expectNothingChanged(before);
  });

  it("card actions with forged or missing ids change nothing and send nothing", async () => {
    worker.fake.reset();
    const before = await worker.snapshot();
    const requests: (() => Promise<number>)[] = [];
    for (let i = 0; i < 250; i++) {
      const { body, headers } = sealed(forgedCardAction());
      requests.push(() => send("/feishu/cards", body, headers));
    }
    await run(requests);
    await expectNothingChanged(before);
  });

  it("valid signatures over hostile payloads get inert answers, then the Worker is healthy", async () => {
    worker.fake.reset();
    const requests: (() => Promise<number>)[] = [];
    for (let i = 0; i < 100; i++) {
      const text = `${pick(["补报", "查看", "督办单", "help", "本周", "督办", "请假", "xyz"])} ${pick(HOSTILE_TEXT)}${pick(HOSTILE_TEXT)}`;
      const { body, headers } = sealed(helpEvent(pick(["ou_sup_1", "ou_mgr_1", "ou_contact_1", "ou_stranger_fuzz"]), text));
      requests.push(() => send("/feishu/events", body, headers));
    }
    await run(requests);
    await worker.settle();
    const texts = worker.fake.messages.filter((m) => m.msgType === "text").map((m) => FakeFeishu.textOf(m));
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.filter((text) => /<\s*at\b/i.test(text) || /\]\s*\(http/.test(text))).toEqual([]);

    expect(sent).toBeGreaterThanOrEqual(2_000);
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    const health = await worker.fetch("/healthz");
    expect(health.status).toBe(200);
    const { texts: answer } = await worker.say("ou_sup_1", "我是谁");
    expect(answer.join("\n")).toContain("王建国");
  });
});

function randomHex(): string {
  return Array.from({ length: 64 }, () => "0123456789abcdef"[int(16)]).join("");
}
