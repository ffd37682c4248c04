import type { Config } from "../env.ts";
import { constantTimeEqual, decryptFeishu, feishuSignature } from "./crypto.ts";
import { envelopeSchema, urlVerificationSchema, type Envelope } from "./payloads.ts";

/**
 * The receiver: verifies, decrypts and decodes one inbound Feishu request.
 * Nothing here writes or replies; the caller acts only on `envelope`.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export type IngressResult =
  | { kind: "challenge"; challenge: string }
  | { kind: "envelope"; envelope: Envelope }
  | { kind: "rejected"; status: 400 | 401 | 413; reason: string };

const reject = (status: 400 | 401 | 413, reason: string): IngressResult => ({ kind: "rejected", status, reason });

/**
 * A body without a declared length (chunked): past this we stop reading and let the connection drop; below
 * it an oversized body is drained so the client sees a clean 413.
 */
const MAX_DRAIN_BYTES = 4 * MAX_BODY_BYTES;

type BodyRead = Uint8Array | "declared over the cap" | "over the cap";

async function readLimited(request: Request): Promise<BodyRead> {
  if (!request.body) return new Uint8Array();
  // A declared length the runtime holds the body to: one read instead of a loop over chunks.
  const declaredText = request.headers.get("content-length");
  const declared = declaredText === null ? NaN : Number(declaredText);
  if (Number.isInteger(declared) && declared >= 0 && declared <= MAX_BODY_BYTES) return new Uint8Array(await request.arrayBuffer());
  // Declared over the cap: refused before a byte of it is read.
  if (Number.isInteger(declared) && declared > MAX_BODY_BYTES) {
    void request.body.cancel().catch(() => {});
    return "declared over the cap";
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_DRAIN_BYTES) {
      await reader.cancel();
      return "over the cap";
    }
    if (total <= MAX_BODY_BYTES) chunks.push(value);
  }
  if (total > MAX_BODY_BYTES) return "over the cap";
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function verifySignature(request: Request, raw: Uint8Array, encryptKey: string, nowMs: number): Promise<string | null> {
  const timestamp = request.headers.get("x-lark-request-timestamp");
  const nonce = request.headers.get("x-lark-request-nonce");
  const signature = request.headers.get("x-lark-signature");
  if (!timestamp || !nonce || !signature) return "missing signature headers";
  const seconds = Number(timestamp);
  if (!Number.isFinite(seconds) || Math.abs(nowMs / 1000 - seconds) > MAX_CLOCK_SKEW_SECONDS) return "timestamp outside 5 minutes";
  const expected = await feishuSignature(timestamp, nonce, encryptKey, raw);
  return constantTimeEqual(expected, signature.toLowerCase()) ? null : "bad signature";
}

export async function openFeishuRequest(request: Request, config: Config, nowMs: number): Promise<IngressResult> {
  const raw = await readLimited(request);
  if (raw === "declared over the cap") return reject(413, "body declared over 1 MiB, not read");
  if (raw === "over the cap") return reject(413, "body over 1 MiB");

  const hasSignature = request.headers.has("x-lark-signature");
  const encryptKey = config.FEISHU_ENCRYPT_KEY;
  // Without an Encrypt Key only FEISHU_ALLOW_UNENCRYPTED lets a request in (the route checks it first; this is the second lock).
  if (!encryptKey && !config.FEISHU_ALLOW_UNENCRYPTED) return reject(401, "no FEISHU_ENCRYPT_KEY and FEISHU_ALLOW_UNENCRYPTED is not true");
  // With an Encrypt Key, every request must be signed; the one exception Feishu's
  // own SDK makes is the URL challenge, which still has to carry the right token.
  let signatureProblem: string | null = null;
  if (encryptKey) signatureProblem = await verifySignature(request, raw, encryptKey, nowMs);
  if (signatureProblem && hasSignature) return reject(401, signatureProblem);

  // Until the token is checked nobody is authenticated: every refusal up to there is the same 401.
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(raw);
  } catch {
    return reject(401, "body is not UTF-8");
  }
  let payload = parseJson(text);
  if (!isObject(payload)) return reject(401, "body is not a JSON object");

  const encrypted = payload.encrypt;
  if (typeof encrypted === "string") {
    if (!encryptKey) return reject(401, "encrypted body but no FEISHU_ENCRYPT_KEY configured");
    try {
      payload = parseJson(await decryptFeishu(encryptKey, encrypted));
    } catch {
      return reject(401, "cannot decrypt");
    }
    if (!isObject(payload)) return reject(401, "decrypted body is not a JSON object");
  } else if (encryptKey) {
    return reject(401, "plain body while FEISHU_ENCRYPT_KEY is set");
  }

  // Only a challenge is parsed as one: a failed zod parse builds an error, and every event would pay for it.
  const challenge = payload.type === "url_verification" ? urlVerificationSchema.safeParse(payload) : undefined;
  if (challenge?.success) {
    if (!constantTimeEqual(challenge.data.token, config.FEISHU_VERIFICATION_TOKEN)) return reject(401, "wrong verification token");
    return { kind: "challenge", challenge: challenge.data.challenge };
  }
  if (signatureProblem) return reject(401, signatureProblem);

  const header = isObject(payload.header) ? payload.header : undefined;
  const tokenInPayload = header ? header.token : payload.token;
  if (typeof tokenInPayload !== "string" || !constantTimeEqual(tokenInPayload, config.FEISHU_VERIFICATION_TOKEN)) {
    return reject(401, "wrong verification token");
  }
  // An event for another app (same token reused, or a body replayed from elsewhere) is not ours.
  if (header && header.app_id !== undefined && header.app_id !== config.FEISHU_APP_ID) return reject(401, "header.app_id is not FEISHU_APP_ID");
  const envelope = envelopeSchema.safeParse(payload);
  if (!envelope.success) return reject(400, "not a schema 2.0 envelope");
  return { kind: "envelope", envelope: envelope.data };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a refused caller is told: nothing that tells one failure from another. */
export function rejectionBody(status: 400 | 401 | 413): { error: string } {
  return { error: status === 401 ? "unauthorized" : status === 413 ? "too_large" : "bad_request" };
}
