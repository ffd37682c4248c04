/** Feishu's event crypto on Web Crypto (see ../shared/docs/feishu.md, "Receiving events"). */
import { Buffer } from "node:buffer";

const encoder = new TextEncoder();

// Buffer's base64 and hex are native code in workerd (nodejs_compat); every event goes through them.
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString("hex");
}

export async function sha256(data: string | Uint8Array): Promise<Uint8Array> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return toHex(await sha256(data));
}

/** hex(SHA-256(timestamp + nonce + encryptKey + raw body)), hashing the raw bytes received. */
export async function feishuSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Uint8Array): Promise<string> {
  const prefix = encoder.encode(timestamp + nonce + encryptKey);
  const joined = new Uint8Array(prefix.length + rawBody.length);
  joined.set(prefix, 0);
  joined.set(rawBody, prefix.length);
  return sha256Hex(joined);
}

/** Constant-time string comparison (the time depends only on the lengths). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  let diff = left.length ^ right.length;
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return diff === 0;
}

function base64ToBytes(text: string): Uint8Array {
  // Buffer skips characters outside the alphabet where atob would throw; a body with them fails the length check or the decryption instead.
  return new Uint8Array(Buffer.from(text, "base64"));
}

function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

const aesKeys = new Map<string, Promise<CryptoKey>>();

/** The AES key for an Encrypt Key, derived once per isolate (every event needs it). */
function aesKey(encryptKey: string): Promise<CryptoKey> {
  let key = aesKeys.get(encryptKey);
  if (!key) {
    key = sha256(encryptKey).then((digest) => crypto.subtle.importKey("raw", digest, { name: "AES-CBC" }, false, ["encrypt", "decrypt"]));
    aesKeys.set(encryptKey, key);
  }
  return key;
}

/** AES-256-CBC, key = SHA-256(encryptKey), wire form base64(iv ‖ ciphertext). Throws on bad input. */
export async function decryptFeishu(encryptKey: string, encrypted: string): Promise<string> {
  const bytes = base64ToBytes(encrypted);
  if (bytes.length < 32 || bytes.length % 16 !== 0) throw new Error("ciphertext has a bad length");
  const iv = bytes.slice(0, 16);
  const plain = await crypto.subtle.decrypt({ name: "AES-CBC", iv }, await aesKey(encryptKey), bytes.slice(16));
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(plain);
}

/** The inverse of decryptFeishu, for the simulator and tests. */
export async function encryptFeishu(encryptKey: string, plaintext: string, iv = crypto.getRandomValues(new Uint8Array(16))): Promise<string> {
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv }, await aesKey(encryptKey), encoder.encode(plaintext)));
  const joined = new Uint8Array(16 + cipher.length);
  joined.set(iv, 0);
  joined.set(cipher, 16);
  return bytesToBase64(joined);
}
