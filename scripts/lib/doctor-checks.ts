import { encryptFeishu, feishuSignature } from "../../src/feishu/crypto.ts";

/**
 * The deployment checks of `npm run doctor`: one line each, with a fix when it
 * fails. Only harmless calls: a token, the bot's own info, an id look-up of an
 * address nobody has, a membership question about the digest group, and the
 * Worker's /healthz and URL challenge. Nothing is sent to anyone.
 */

export interface DoctorOptions {
  appId: string;
  appSecret: string;
  verificationToken?: string;
  encryptKey?: string;
  baseUrl: string;
  digestChatId?: string;
  /** the deployed Worker, e.g. https://duxue.example.workers.dev */
  workerUrl?: string;
  fetch?: typeof fetch;
}

export interface CheckLine {
  ok: boolean | null;
  label: string;
  detail: string;
  fix?: string;
}

/** Events and callbacks the Worker handles (src/app.ts): what to subscribe to in the developer console. */
export const SUBSCRIPTIONS = {
  // the bot menu, the welcome, the digest group bound with a click (src/events/chat-events.ts)
  events: ["im.message.receive_v1", "application.bot.menu_v6", "im.chat.access_event.bot_p2p_chat_entered_v1", "im.chat.member.bot.added_v1", "im.chat.member.bot.deleted_v1"],
  callbacks: ["card.action.trigger"],
  scopes: ["im:message.p2p_msg", "im:message.group_at_msg", "im:message:send_as_bot", "im:message:readonly", "im:resource", "contact:user.id:readonly", "im:chat.members:bot_access"],
};

type Json = Record<string, unknown>;

async function callJson(f: typeof fetch, url: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> {
  try {
    const response = await f(url, { ...init, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as Json };
    } catch {
      return { status: response.status, body: { raw: text.slice(0, 200) } };
    }
  } catch (error) {
    return { status: 0, body: { error: (error as Error).message } };
  }
}

const describe = (body: Json) => (body.error ? String(body.error) : `code ${body.code ?? "?"}: ${String(body.msg ?? body.raw ?? "").slice(0, 160)}`);
const scopeDenied = (body: Json) => body.code === 99991672;

export async function runDoctor(o: DoctorOptions): Promise<CheckLine[]> {
  const f = o.fetch ?? fetch;
  const api = (path: string) => `${o.baseUrl.replace(/\/$/, "")}${path}`;
  const lines: CheckLine[] = [];

  // 1. the credentials give a tenant token
  const tokenAnswer = await callJson(f, api("/open-apis/auth/v3/tenant_access_token/internal"), {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({ app_id: o.appId, app_secret: o.appSecret }),
  });
  const token = tokenAnswer.body.code === 0 ? String(tokenAnswer.body.tenant_access_token ?? "") : "";
  lines.push(
    token
      ? { ok: true, label: "tenant token", detail: `app ${o.appId}, valid for ${tokenAnswer.body.expire ?? "?"} s` }
      : {
          ok: false,
          label: "tenant token",
          detail: describe(tokenAnswer.body),
          fix: "check FEISHU_APP_ID / FEISHU_APP_SECRET (开发者后台 → 凭证与基础信息) and FEISHU_BASE_URL (open.feishu.cn or open.larksuite.com); 10014 means the app is disabled",
        },
  );
  const authed = (path: string, init: RequestInit = {}) =>
    callJson(f, api(path), { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json; charset=utf-8", ...(init.headers ?? {}) } });

  if (token) {
    // 2. the bot capability is on and the app is enabled in the tenant
    const bot = await authed("/open-apis/bot/v3/info");
    const info = bot.body.bot as Json | undefined;
    if (bot.body.code === 0 && info && info.activate_status === 2) lines.push({ ok: true, label: "bot capability", detail: `bot "${String(info.app_name ?? "")}" (${String(info.open_id ?? "")}) is enabled` });
    else
      lines.push({
        ok: false,
        label: "bot capability",
        detail: info ? `activate_status ${String(info.activate_status)}` : describe(bot.body),
        fix: "开发者后台 → 应用能力 → 添加应用能力 → 机器人, then publish a version (版本管理与发布) and have the tenant admin enable it",
      });

    // 3. the scopes work: an id look-up of an address nobody has (contact:user.id:readonly)
    const lookup = await authed("/open-apis/contact/v3/users/batch_get_id?user_id_type=open_id", { method: "POST", body: JSON.stringify({ emails: ["duxue-doctor@example.invalid"] }) });
    lines.push(
      lookup.body.code === 0
        ? { ok: true, label: "scope contact:user.id:readonly", detail: "batch_get_id answers (roster import can resolve mobiles and emails)" }
        : {
            ok: false,
            label: "scope contact:user.id:readonly",
            detail: describe(lookup.body),
            fix: scopeDenied(lookup.body) ? "开发者后台 → 权限管理: add contact:user.id:readonly, then publish a new version" : "see the code above in Feishu's error code list",
          },
    );

    // 4. DIGEST_CHAT_ID is a group the bot is in
    if (!o.digestChatId) lines.push({ ok: false, label: "DIGEST_CHAT_ID", detail: "not set", fix: "add the bot to the office group, then set DIGEST_CHAT_ID to its chat_id (oc_…): npx wrangler secret put DIGEST_CHAT_ID" });
    else {
      const member = await authed(`/open-apis/im/v1/chats/${encodeURIComponent(o.digestChatId)}/members/is_in_chat`);
      const data = member.body.data as Json | undefined;
      if (member.body.code === 0 && data?.is_in_chat === true) lines.push({ ok: true, label: "DIGEST_CHAT_ID", detail: `the bot is in ${o.digestChatId}` });
      else if (member.body.code === 0)
        lines.push({ ok: false, label: "DIGEST_CHAT_ID", detail: `the bot is not in ${o.digestChatId}`, fix: "群设置 → 群机器人 → 添加机器人 (add this app's bot to the office group)" });
      else
        lines.push({
          ok: scopeDenied(member.body) ? null : false,
          label: "DIGEST_CHAT_ID",
          detail: describe(member.body),
          fix: scopeDenied(member.body)
            ? "cannot tell without im:chat:readonly (only this check needs it): add the scope, or make sure by hand that the bot is in the group"
            : "check that DIGEST_CHAT_ID is the group's chat_id (oc_…) of this tenant",
        });
    }
  }

  // 5. the deployed Worker: /healthz and the URL challenge on both URLs
  if (o.workerUrl) {
    const base = o.workerUrl.replace(/\/$/, "");
    const health = await callJson(f, `${base}/healthz`);
    lines.push(
      health.status === 200 && health.body.ok === true
        ? { ok: true, label: "worker /healthz", detail: `version ${String(health.body.version ?? "?")}, database ok` }
        : {
            ok: false,
            label: "worker /healthz",
            detail: health.status ? `HTTP ${health.status} ${JSON.stringify(health.body).slice(0, 120)}` : describe(health.body),
            fix: health.body.database ? "apply the migrations: npm run db:migrate:remote" : "deploy with npm run deploy and check the URL",
          },
    );
    for (const path of ["/feishu/events", "/feishu/cards"]) {
      const label = `challenge ${path}`;
      if (!o.verificationToken) {
        lines.push({ ok: false, label, detail: "no FEISHU_VERIFICATION_TOKEN given", fix: "pass --verification-token or put it in .dev.vars" });
        continue;
      }
      const challenge = `doctor-${crypto.randomUUID()}`;
      const plain = JSON.stringify({ challenge, token: o.verificationToken, type: "url_verification" });
      const body = o.encryptKey ? JSON.stringify({ encrypt: await encryptFeishu(o.encryptKey, plain) }) : plain;
      const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
      if (o.encryptKey) {
        const timestamp = String(Math.floor(Date.now() / 1000));
        const nonce = crypto.randomUUID();
        Object.assign(headers, {
          "x-lark-request-timestamp": timestamp,
          "x-lark-request-nonce": nonce,
          "x-lark-signature": await feishuSignature(timestamp, nonce, o.encryptKey, new TextEncoder().encode(body)),
        });
      }
      const answer = await callJson(f, `${base}${path}`, { method: "POST", headers, body });
      lines.push(
        answer.status === 200 && answer.body.challenge === challenge
          ? { ok: true, label, detail: "answered with the same challenge" }
          : {
              ok: false,
              label,
              detail: answer.status ? `HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 120)}` : describe(answer.body),
              fix: "the Worker's FEISHU_VERIFICATION_TOKEN / FEISHU_ENCRYPT_KEY must equal the console's 事件与回调 → 加密策略 (npx wrangler secret put …)",
            },
      );
    }
  }
  return lines;
}

/** The console settings to enter, with the exact URLs. */
export function subscriptionLines(workerUrl: string | undefined): string[] {
  const base = (workerUrl ?? "https://<your-worker>.workers.dev").replace(/\/$/, "");
  return [
    `事件配置 (Events) → 请求地址: ${base}/feishu/events`,
    `  subscribe: ${SUBSCRIPTIONS.events.join(", ")}`,
    `回调配置 (Callbacks) → 请求地址: ${base}/feishu/cards`,
    `  subscribe: ${SUBSCRIPTIONS.callbacks.join(", ")}`,
    `scopes (权限管理): ${SUBSCRIPTIONS.scopes.join(", ")}`,
  ];
}

export function formatLine(line: CheckLine): string {
  const mark = line.ok === true ? "✓" : line.ok === false ? "✗" : "?";
  return `${mark} ${line.label.padEnd(32)} ${line.detail}${line.fix ? `\n    fix: ${line.fix}` : ""}`;
}
