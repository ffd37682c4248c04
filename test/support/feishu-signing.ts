import { createCipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Signs and encrypts requests the way Feishu does, with Node's crypto (an
 * implementation independent of the Worker's Web Crypto code).
 */

export function encryptLikeFeishu(encryptKey: string, plaintext: string): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final()]).toString("base64");
}

export function signLikeFeishu(timestamp: string, nonce: string, encryptKey: string, rawBody: string | Buffer): string {
  return createHash("sha256").update(timestamp + nonce + encryptKey).update(rawBody).digest("hex");
}

export interface FeishuRequestOptions {
  encryptKey?: string;
  /** seconds since epoch; defaults to now */
  timestamp?: number;
  nonce?: string;
  /** override the signature header (forgery tests) */
  signature?: string;
  /** send no signature headers at all */
  unsigned?: boolean;
}

/** The body and headers Feishu would POST for this payload. */
export function feishuRequest(payload: unknown, options: FeishuRequestOptions = {}): { body: string; headers: Record<string, string> } {
  const plain = JSON.stringify(payload);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (!options.encryptKey) return { body: plain, headers };
  const body = JSON.stringify({ encrypt: encryptLikeFeishu(options.encryptKey, plain) });
  if (options.unsigned) return { body, headers };
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(8).toString("hex");
  headers["x-lark-request-timestamp"] = timestamp;
  headers["x-lark-request-nonce"] = nonce;
  headers["x-lark-signature"] = options.signature ?? signLikeFeishu(timestamp, nonce, options.encryptKey, body);
  return { body, headers };
}
