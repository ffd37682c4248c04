import type { Hono } from "hono";
import type { Bindings } from "../env.ts";
import { loadConfig } from "../env.ts";
import { openDb } from "../db/client.ts";
import { countIpPost, nameplatePage, pagesOff, visitsSince } from "../db/nameplate.ts";
import { publicAnswer } from "../db/feedback.ts";
import { loadOffices } from "../db/offices.ts";
import { officeChain } from "../domain/offices.ts";
import { termPeriods } from "../db/school-file.ts";
import { FEEDBACK_IP_WINDOW_MS, FEEDBACK_MAX_BODY_BYTES, FEEDBACK_MAX_NAME, FEEDBACK_MAX_TEXT, FEEDBACK_PER_IP, ipWindowStart, parseFeedback, REFERENCE_PATTERN, TOKEN_PATTERN } from "../domain/nameplate.ts";
import { termOf } from "../domain/school-file.ts";
import { localDate } from "../domain/time.ts";
import { messages, type Messages } from "../i18n/index.ts";
import { logger, type LogFields } from "../log.ts";
import { buildServices } from "../services.ts";
import { submitFeedback } from "../usecases/feedback.ts";
import { answerHtml, contentSecurityPolicy, lookupHtml, nameplateHtml, notFoundHtml } from "./page.ts";
import { turnstilePasses } from "./turnstile.ts";

/**
 * The school's public page (挂牌督导公示) at /p/<token>: GET shows it, POST takes the feedback form. The only
 * routes open to the internet without a Feishu signature: no cookies, a strict CSP, every answer a small HTML page,
 * an unknown and a revoked token the same 404.
 */

type Ctx = { env: Bindings; req: { raw: Request; param(name: string): string | undefined }; get(key: "ref"): string; set(key: "log", value: LogFields): void };

async function html(body: string, status: number, cache: string): Promise<Response> {
  return new Response(body, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": cache,
      "content-security-policy": await contentSecurityPolicy(),
      "x-content-type-options": "nosniff",
      // other sites (Turnstile's) learn the origin only, never the path with its token
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-robots-tag": "noindex",
    },
  });
}

const t: Messages = messages("zh");
const notFound = async () => html(notFoundHtml(t), 404, "no-store");
const refused = async (status: number, text: string, backTo: string | null) => html(answerHtml(t, t.schools.nameplate.refusedTitle, text, backTo), status, "no-store");

async function lookUp(c: Ctx) {
  const token = c.req.param("token") ?? "";
  if (!TOKEN_PATTERN.test(token)) return null;
  const page = await nameplatePage(c.env.DB, token);
  if (!page) return null;
  // an office's switch (名牌 关闭) takes its schools' pages and those of the offices below offline: the same 404
  const chain = page.officeCode ? officeChain(await loadOffices(openDb(c.env.DB)), page.officeCode).map((office) => office.code) : [null];
  if (await pagesOff(c.env.DB, chain)) return null;
  return { token, page };
}

/** The body as text, or null once it is over `max` bytes (read no further). */
async function readCapped(request: Request, max: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > max) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

async function ipKey(ip: string, nowMs: number): Promise<string> {
  // the address itself is never stored: a hash, for this window only
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`nameplate:${ip}`)));
  const hex = [...digest.slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `pub:ip:${hex}:${ipWindowStart(nowMs)}`;
}

async function showPage(c: Ctx): Promise<Response> {
  const found = await lookUp(c);
  if (!found) return notFound();
  const asked = new URL(c.req.raw.url).searchParams.get("ref");
  if (asked !== null) {
    // a sender looks up their reference: only this school's feedback, only its status and reply
    const reference = asked.trim().toUpperCase();
    const answer = REFERENCE_PATTERN.test(reference) ? await publicAnswer(c.env.DB, found.page.schoolCode, reference) : null;
    c.set("log", { outcome: "lookup" });
    return html(lookupHtml(t, found.token, reference, answer), 200, "no-store");
  }
  const config = loadConfig(c.env);
  const today = localDate(Date.now(), config.TIMEZONE);
  const term = termOf(await termPeriods(c.env.DB), today);
  const visits = await visitsSince(c.env.DB, found.page.schoolCode, term.from);
  const siteKey = config.TURNSTILE_SITE_KEY && config.TURNSTILE_SECRET_KEY ? config.TURNSTILE_SITE_KEY : undefined;
  c.set("log", { outcome: "page" });
  // short: a new token or a changed supervisor shows within minutes; no personal data, so shared caches may keep it
  return html(nameplateHtml(t, found.page, found.token, visits, siteKey), 200, "public, max-age=300");
}

async function takeFeedback(c: Ctx): Promise<Response> {
  const found = await lookUp(c);
  if (!found) return notFound();
  const n = t.schools.nameplate;
  const back = `/p/${found.token}`;
  const nowMs = Date.now();
  const type = (c.req.raw.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    c.set("log", { outcome: "not_a_form" });
    return refused(415, n.badForm, back);
  }
  const body = await readCapped(c.req.raw, FEEDBACK_MAX_BODY_BYTES);
  if (body === null) {
    c.set("log", { outcome: "too_large" });
    return refused(413, n.tooLarge, back);
  }
  const ip = c.req.raw.headers.get("cf-connecting-ip") ?? "unknown";
  const posts = await countIpPost(c.env.DB, await ipKey(ip, nowMs), ipWindowStart(nowMs) + FEEDBACK_IP_WINDOW_MS);
  if (posts > FEEDBACK_PER_IP) {
    c.set("log", { outcome: "rate_limited" });
    return refused(429, n.rateLimited, back);
  }
  const form = new URLSearchParams(body);
  const parsed = parseFeedback({ kind: form.get("kind") ?? undefined, text: form.get("text") ?? undefined, name: form.get("name") ?? undefined, phone: form.get("phone") ?? undefined });
  if (!parsed.ok) {
    c.set("log", { outcome: "invalid", reason: parsed.problem });
    const text = { badKind: n.badKind, emptyText: n.emptyText, textTooLong: n.textTooLong(FEEDBACK_MAX_TEXT), badName: n.badName(FEEDBACK_MAX_NAME), badPhone: n.badPhone }[parsed.problem];
    return refused(400, text, back);
  }
  const config = loadConfig(c.env);
  if (!(await turnstilePasses(config.TURNSTILE_VERIFY_URL, config.TURNSTILE_SECRET_KEY, form.get("cf-turnstile-response") ?? undefined, ip === "unknown" ? null : ip))) {
    c.set("log", { outcome: "captcha_failed" });
    return refused(403, n.captchaFailed, back);
  }
  const services = buildServices(c.env, nowMs, c.get("ref"));
  const reference = await submitFeedback(services, found.page, parsed.value);
  c.set("log", { outcome: "feedback_stored" });
  return html(answerHtml(t, n.thanksTitle, n.thanks(reference), back, reference), 200, "no-store");
}

/** Answers a failure with the page's own "try later", never JSON or a stack trace. */
function guarded(handler: (c: Ctx) => Promise<Response>) {
  return async (c: Ctx) => {
    try {
      return await handler(c);
    } catch (error) {
      logger.error({ ref: c.get("ref"), route: "nameplate", outcome: "error" }, error);
      return refused(503, t.schools.nameplate.unavailable, null);
    }
  };
}

export function registerNameplateRoutes(app: Hono<{ Bindings: Bindings; Variables: { ref: string; log: LogFields } }>): void {
  app.get("/p/:token", guarded(showPage));
  app.post("/p/:token", guarded(takeFeedback));
}
