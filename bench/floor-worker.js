/**
 * The floor bot: the least a Feishu bot on Workers can do for a chat message, to measure the
 * bot against on the same runtime (bench/run.ts). It verifies the signature and the token,
 * decrypts, answers 200, and replies at once (waitUntil) with a fixed text — no D1, no
 * rate limiter, no outbox. The tenant token is fetched once per isolate and kept in memory.
 * Plain JS on Web Crypto, no dependencies: `wrangler dev bench/floor-worker.js` or Miniflare.
 */
const encoder = new TextEncoder();
const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
let aesKey;
let token;

async function decrypt(encryptKey, encrypted) {
  aesKey ??= crypto.subtle.digest("SHA-256", encoder.encode(encryptKey)).then((d) => crypto.subtle.importKey("raw", d, { name: "AES-CBC" }, false, ["decrypt"]));
  const bytes = Uint8Array.from(atob(encrypted), (c) => c.charCodeAt(0));
  const plain = await crypto.subtle.decrypt({ name: "AES-CBC", iv: bytes.slice(0, 16) }, await aesKey, bytes.slice(16));
  return JSON.parse(new TextDecoder().decode(plain));
}

async function tenantToken(env) {
  token ??= fetch(`${env.FEISHU_BASE_URL}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ app_id: env.FEISHU_APP_ID, app_secret: env.FEISHU_APP_SECRET }),
  })
    .then((r) => r.json())
    .then((r) => r.tenant_access_token);
  return token;
}

async function reply(env, message) {
  const body = { msg_type: "text", content: JSON.stringify({ text: "floor" }), uuid: `floor-${message.message_id}` };
  const url =
    message.chat_type === "group"
      ? `${env.FEISHU_BASE_URL}/open-apis/im/v1/messages/${message.message_id}/reply`
      : `${env.FEISHU_BASE_URL}/open-apis/im/v1/messages?receive_id_type=chat_id`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await tenantToken(env)}` },
    body: JSON.stringify(message.chat_type === "group" ? body : { ...body, receive_id: message.chat_id }),
  });
  await response.text();
}

export default {
  async fetch(request, env, ctx) {
    if (request.method !== "POST") return new Response("not found", { status: 404 });
    const raw = new Uint8Array(await request.arrayBuffer());
    const timestamp = request.headers.get("x-lark-request-timestamp") ?? "";
    const nonce = request.headers.get("x-lark-request-nonce") ?? "";
    const prefix = encoder.encode(timestamp + nonce + env.FEISHU_ENCRYPT_KEY);
    const joined = new Uint8Array(prefix.length + raw.length);
    joined.set(prefix);
    joined.set(raw, prefix.length);
    const expected = hex(await crypto.subtle.digest("SHA-256", joined));
    if (expected !== request.headers.get("x-lark-signature")) return Response.json({ error: "bad signature" }, { status: 401 });
    const envelope = await decrypt(env.FEISHU_ENCRYPT_KEY, JSON.parse(new TextDecoder().decode(raw)).encrypt);
    if (envelope.header?.token !== env.FEISHU_VERIFICATION_TOKEN) return Response.json({ error: "bad token" }, { status: 401 });
    if (envelope.header.event_type === "im.message.receive_v1") ctx.waitUntil(reply(env, envelope.event.message));
    return Response.json({});
  },
};
