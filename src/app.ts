import { Hono } from "hono";
import { dispatchCardAction } from "./actions/dispatch.ts";
import { recordInbox } from "./db/inbox.ts";
import { migrationsApplied } from "./db/health.ts";
import { assertIngressConfigured, ConfigError, loadConfig, type Bindings, type Config } from "./env.ts";
import { openFeishuRequest, rejectionBody } from "./feishu/ingress.ts";
import type { CardAnswer, Envelope } from "./feishu/payloads.ts";
import { handleMessageEvent } from "./events/inbound.ts";
import { ignoredUnread } from "./events/message-received.ts";
import { handleChatEvent, isChatEvent } from "./events/chat-events.ts";
import { messages } from "./i18n/index.ts";
import { logger, newRequestId, type LogFields } from "./log.ts";
import { buildServices } from "./services.ts";
import { registerNameplateRoutes } from "./public/nameplate-routes.ts";

type AppEnv = { Bindings: Bindings; Variables: { ref: string; log: LogFields } };

export const VERSION = "0.1.0";

/** How long event handling waits after the 200, so that a burst of acknowledgements goes out before the work starts. */
const ACK_FIRST_DELAY_MS = 1;
/**
 * After that, it also waits while this isolate is still answering requests, but never longer than this in all:
 * during a burst of events the acknowledgements (Feishu redelivers what it has not seen answered within 3 s) go
 * out first, and the replies, which Feishu's 50/s would spread over seconds anyway, follow.
 */
const ACK_FIRST_MAX_WAIT_MS = 2_500;

/**
 * Two requests that arrive this close together mean a burst is coming in: then the work waits until no
 * request has arrived for BURST_QUIET_MS, since between two of its requests none may be in flight. A lone
 * message's work starts at once.
 */
const BURST_GAP_MS = 10;
const BURST_QUIET_MS = 10;

let requestsInFlight = 0;
let lastArrivalAt = 0;
let arrivalBefore = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Acknowledgements first: Feishu retries an event it has not seen answered within 3 s, and a burst shares one isolate. */
async function afterPendingAcknowledgements(): Promise<void> {
  const until = Date.now() + ACK_FIRST_MAX_WAIT_MS;
  await sleep(ACK_FIRST_DELAY_MS);
  const busy = () => requestsInFlight > 0 || (lastArrivalAt - arrivalBefore < BURST_GAP_MS && Date.now() - lastArrivalAt < BURST_QUIET_MS);
  while (busy() && Date.now() < until) await sleep(5);
}

export const app = new Hono<AppEnv>();

app.use("*", async (c, next) => {
  const started = Date.now();
  const ref = newRequestId();
  c.set("ref", ref);
  c.set("log", {});
  requestsInFlight++;
  arrivalBefore = lastArrivalAt;
  lastArrivalAt = started;
  try {
    await next();
  } finally {
    requestsInFlight--;
  }
  // a school's page token is not logged (it is the way to the page's form)
  const route = c.req.path.startsWith("/p/") ? "/p/:token" : c.req.path;
  logger.info({ ref, method: c.req.method, route, status: c.res.status, ms: Date.now() - started, ...c.get("log") });
});

app.onError((error, c) => {
  const ref = c.get("ref") ?? newRequestId();
  if (error instanceof ConfigError) {
    // The log line says what is missing; the caller (maybe not Feishu) learns nothing about the secrets.
    logger.error({ ref, route: c.req.path, outcome: "misconfigured" }, error);
    return c.json({ error: "misconfigured", ref }, 503);
  }
  logger.error({ ref, route: c.req.path, outcome: "error" }, error);
  return c.json({ error: "internal", ref }, 500);
});

app.notFound((c) => c.json({ error: "not_found" }, 404));

app.get("/healthz", async (c) => {
  const ok = await migrationsApplied(c.env.DB);
  return c.json({ ok, version: c.env.VERSION ?? VERSION, database: ok ? "ok" : "migrations not applied" }, ok ? 200 : 503);
});

async function openRequest(c: { req: { raw: Request }; env: Bindings; set: (k: "log", v: LogFields) => void }, config: Config) {
  assertIngressConfigured(config);
  const result = await openFeishuRequest(c.req.raw, config, Date.now());
  if (result.kind === "rejected") c.set("log", { outcome: "rejected", reason: result.reason });
  if (result.kind === "challenge") c.set("log", { outcome: "challenge" });
  return result;
}

/** Records the verified envelope in the inbox (without its Verification Token: no secret in a table); false if D1 would not take it. */
async function recordBefore200(env: Bindings, envelope: Envelope, acceptedAt: number, fields: LogFields): Promise<boolean> {
  const payload = JSON.stringify({ ...envelope, header: { ...envelope.header, token: "" } });
  try {
    await recordInbox(env.DB, envelope.header.event_id, payload, acceptedAt);
    return true;
  } catch (error) {
    logger.error({ ...fields, outcome: "inbox_failed" }, error);
    return false;
  }
}

registerNameplateRoutes(app);

app.post("/feishu/events", async (c) => {
  const config = loadConfig(c.env);
  const result = await openRequest(c, config);
  if (result.kind === "rejected") return c.json(rejectionBody(result.status), result.status);
  if (result.kind === "challenge") return c.json({ challenge: result.challenge });
  const { header } = result.envelope;
  const log = { event_id: header.event_id, event_type: header.event_type };
  if (isChatEvent(header.event_type)) {
    const [ref, acceptedAt] = [c.get("ref"), Date.now()];
    // durable before the 200 like a message (a menu tap is a command): the recovery job runs it if its work is lost
    const recorded = await recordBefore200(c.env, result.envelope, acceptedAt, { ref, route: c.req.path, ...log });
    c.executionCtx.waitUntil(afterPendingAcknowledgements().then(() => handleChatEvent(c.env, result.envelope, ref, acceptedAt)));
    if (!recorded) {
      c.set("log", { ...log, outcome: "accepted_not_recorded" });
      return c.json({ error: "unavailable" }, 503);
    }
    c.set("log", { ...log, outcome: "accepted" });
    return c.json({});
  }
  if (header.event_type !== "im.message.receive_v1") {
    c.set("log", { ...log, outcome: "ignored" });
    return c.json({});
  }
  const ref = c.get("ref");
  const acceptedAt = Date.now();
  // Durable before the 200: Feishu does not redeliver an event it got a 200 for, and the work below may be cut
  // off (eviction, waitUntil's 30 s, D1 down past the retries); the recovery job runs whatever did not commit.
  // A bot's message or group chatter is ignored whatever happens: not worth a D1 write before the 200.
  const recorded = ignoredUnread(result.envelope.event) || (await recordBefore200(c.env, result.envelope, acceptedAt, { ref, route: c.req.path, ...log }));
  c.executionCtx.waitUntil(afterPendingAcknowledgements().then(() => handleMessageEvent(c.env, result.envelope, ref, acceptedAt)));
  if (!recorded) {
    // Not durable: no 200, so Feishu delivers it again (after 15 s, 5 min …); this attempt still runs, and if it
    // commits, the redelivery finds the claim and does nothing.
    c.set("log", { ...log, outcome: "accepted_not_recorded" });
    return c.json({ error: "unavailable" }, 503);
  }
  c.set("log", { ...log, outcome: "accepted" });
  return c.json({});
});

app.post("/feishu/cards", async (c) => {
  const config = loadConfig(c.env);
  const result = await openRequest(c, config);
  if (result.kind === "rejected") return c.json(rejectionBody(result.status), result.status);
  if (result.kind === "challenge") return c.json({ challenge: result.challenge });
  const { header, event } = result.envelope;
  const log = { event_id: header.event_id, event_type: header.event_type };
  if (header.event_type !== "card.action.trigger") {
    c.set("log", { ...log, outcome: "ignored" });
    return c.json({});
  }
  const ref = c.get("ref");
  const services = buildServices(c.env, Date.now(), ref, { waitUntil: (promise) => c.executionCtx.waitUntil(promise) });
  let answer: CardAnswer;
  try {
    const dispatched = await dispatchCardAction(services, header.event_id, event);
    await services.uow.commit();
    answer = "afterCommit" in dispatched.answer ? dispatched.answer.afterCommit() : dispatched.answer;
    c.set("log", { ...log, outcome: dispatched.outcome });
  } catch (error) {
    logger.error({ ref, route: "card_action", ...log, outcome: "error" }, error);
    answer = { toast: { type: "error", content: messages("zh").common.internalError(ref) } };
    c.set("log", { ...log, outcome: "error" });
  }
  return c.json(answer);
});
