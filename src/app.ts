import { Hono } from "hono";
import { dispatchCardAction } from "./actions/dispatch.ts";
import { claimedStatement, claimStatement, isClaimConflict } from "./db/dedupe.ts";
import { actorOf, senderStatement } from "./db/people.ts";
import { assertIngressConfigured, ConfigError, loadConfig, type Bindings, type Config } from "./env.ts";
import { openFeishuRequest, rejectionBody } from "./feishu/ingress.ts";
import { messageReceivedSchema, type CardAnswer, type Envelope } from "./feishu/payloads.ts";
import { onMessageReceived } from "./events/message-received.ts";
import { replyMessage } from "./commands/dispatch.ts";
import { textContent } from "./feishu/cards/kit.ts";
import { messages } from "./i18n/index.ts";
import { logger, newRequestId, type LogFields } from "./log.ts";
import { buildServices } from "./services.ts";

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
  logger.info({ ref, method: c.req.method, route: c.req.path, status: c.res.status, ms: Date.now() - started, ...c.get("log") });
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
  const row = await c.env.DB.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'outbox'").first<{ n: number }>();
  const ok = row?.n === 1;
  return c.json({ ok, version: c.env.VERSION ?? VERSION, database: ok ? "ok" : "migrations not applied" }, ok ? 200 : 503);
});

async function openRequest(c: { req: { raw: Request }; env: Bindings; set: (k: "log", v: LogFields) => void }, config: Config) {
  assertIngressConfigured(config);
  const result = await openFeishuRequest(c.req.raw, config, Date.now());
  if (result.kind === "rejected") c.set("log", { outcome: "rejected", reason: result.reason });
  if (result.kind === "challenge") c.set("log", { outcome: "challenge" });
  return result;
}

app.post("/feishu/events", async (c) => {
  const config = loadConfig(c.env);
  const result = await openRequest(c, config);
  if (result.kind === "rejected") return c.json(rejectionBody(result.status), result.status);
  if (result.kind === "challenge") return c.json({ challenge: result.challenge });
  const { header } = result.envelope;
  const log = { event_id: header.event_id, event_type: header.event_type };
  if (header.event_type !== "im.message.receive_v1") {
    c.set("log", { ...log, outcome: "ignored" });
    return c.json({});
  }
  const ref = c.get("ref");
  const acceptedAt = Date.now();
  c.executionCtx.waitUntil(afterPendingAcknowledgements().then(() => handleMessageEvent(c.env, result.envelope, ref, acceptedAt)));
  c.set("log", { ...log, outcome: "accepted" });
  return c.json({});
});

/** Runs after the 200: dedupe, dispatch, commit writes and replies in one batch. One log line. */
export async function handleMessageEvent(env: Bindings, envelope: Envelope, ref: string, nowMs: number): Promise<void> {
  const started = Date.now();
  const fields: LogFields = { ref, route: "event", event_id: envelope.header.event_id, event_type: envelope.header.event_type };
  // already after the 200 (waitUntil): the commit itself sends the answers
  const services = buildServices(env, nowMs, ref, {});
  const parsed = messageReceivedSchema.safeParse(envelope.event);
  if (!parsed.success) {
    logger.info({ ...fields, outcome: "ignored_bad_event", ms: Date.now() - started });
    return;
  }
  const keys = [`event:${envelope.header.event_id}`, `message:${parsed.data.message.message_id}`];
  try {
    // Who sent it is read in the same batch as the redelivery check: one D1 round trip before the command runs, not two.
    const openId = parsed.data.sender.sender_id.open_id;
    const [claimed, person] = await env.DB.batch([claimedStatement(env.DB, keys), senderStatement(env.DB, openId, services.config.ADMIN_OPEN_IDS.includes(openId))]);
    if ((claimed?.results.length ?? 0) > 0) {
      logger.info({ ...fields, outcome: "duplicate", ms: Date.now() - started });
      return;
    }
    // the actor (a manager's office scope is one more read) only once a command or a file needs it: chatter costs nothing
    const outcome = await onMessageReceived(services, envelope.event, () => actorOf(services.db, person, openId, services.config.ADMIN_OPEN_IDS));
    // An event we ignore (bad content, chatter, a bot) leaves no trace: no claim, no row.
    if (outcome.startsWith("ignored") && services.uow.pendingMessages.length === 0) {
      logger.info({ ...fields, outcome, ms: Date.now() - started });
      return;
    }
    // The claim joins the command's final batch (after its writes, whose results handlers read by position):
    // it commits with the effects, or a rival's earlier claim fails the whole batch.
    services.uow.write(claimStatement(env.DB, keys, nowMs));
    await services.uow.commit();
    logger.info({ ...fields, outcome, ms: Date.now() - started });
  } catch (error) {
    if (isClaimConflict(error)) {
      logger.info({ ...fields, outcome: "duplicate", ms: Date.now() - started });
      return;
    }
    logger.error({ ...fields, outcome: "error", ms: Date.now() - started }, error);
    const { message } = parsed.data;
    const fallback = buildServices(env, nowMs, ref, {});
    const chat = { messageId: message.message_id, chatId: message.chat_id, chatType: message.chat_type };
    // The error answer claims the event too: a redelivery of a failed command is told once, not failed again.
    fallback.uow.write(claimStatement(env.DB, keys, nowMs));
    fallback.uow.send({ ...replyMessage(chat, 99, textContent(messages("zh").common.internalError(ref))) });
    await fallback.uow.commit().catch((failure) => {
      if (!isClaimConflict(failure)) logger.error({ ...fields, outcome: "error_reply_failed" }, failure);
    });
  }
}

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
