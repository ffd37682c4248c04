import { encryptFeishu, feishuSignature } from "../../src/feishu/crypto.ts";
import Papa from "papaparse";
import { FEISHU_CALLBACKS, FEISHU_EVENTS, FEISHU_SCOPES } from "../../src/feishu/scopes.ts";
import { ROSTER_HEADERS } from "../../src/roster/parse.ts";

/**
 * The deployment checks of `npm run doctor`: one line each, with a fix when it
 * fails. Only harmless calls: a token, the bot's own info, id look-ups (an
 * address nobody has, then the --probe address or the --roster people), a
 * membership question about the digest group, and the Worker's /healthz and URL
 * challenge. Nothing is sent to anyone, except the one test message that
 * `--send-test` asks for (to the --probe person).
 */

export interface DoctorOptions {
  appId: string;
  appSecret: string;
  verificationToken?: string;
  encryptKey?: string;
  baseUrl: string;
  digestChatId?: string;
  /** ADMIN_OPEN_IDS as configured: a bootstrap, to be removed once the roster has an administrator */
  adminOpenIds?: string[];
  /** a mobile or email of someone in the tenant (usually the operator's own) */
  probe?: string;
  /** people of a roster file with a mobile or email, to see whether their ids resolve */
  rosterPeople?: RosterProbe[];
  /** send the probe person one short text message, to see whether they are within the availability range */
  sendTest?: boolean;
  /** the deployed Worker, e.g. https://duxue.example.workers.dev */
  workerUrl?: string;
  fetch?: typeof fetch;
}

export interface RosterProbe {
  code: string;
  mobile?: string;
  email?: string;
}

export interface CheckLine {
  ok: boolean | null;
  label: string;
  detail: string;
  fix?: string;
}

/** Events, callbacks and scopes to enter in the developer console: the one list in src/feishu/scopes.ts. */
export const SUBSCRIPTIONS = {
  events: FEISHU_EVENTS.map((e) => e.name),
  callbacks: FEISHU_CALLBACKS.map((c) => c.name),
  scopes: FEISHU_SCOPES.map((s) => s.scope),
};

/** Feishu's console paths, as the fixes name them. */
const CONTACT_RANGE = "开发者后台 → 开发配置 → 权限管理 → 数据权限 → 通讯录权限范围";
const AVAILABILITY = "开发者后台 → 应用发布 → 版本管理与发布 → 创建版本 → 可用范围";
/** batch_get_id takes at most 50 mobiles and 50 emails per call */
const LOOKUP_CHUNK = 50;
/** the roster people the doctor looks up at most */
export const MAX_ROSTER_PROBES = 200;

type Json = Record<string, unknown>;

/** The people of a people.csv (English or Chinese headers) who have a mobile or an email and no open_id yet. */
export function rosterProbesFromCsv(text: string): RosterProbe[] {
  const [header, ...rows] = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
  if (!header) return [];
  const column = (name: keyof typeof ROSTER_HEADERS.people) =>
    header.findIndex((cell) => cell.trim().toLowerCase() === name || ROSTER_HEADERS.people[name]!.includes(cell.trim()));
  const [code, mobile, email, openId] = [column("code"), column("mobile"), column("email"), column("open_id")];
  const cell = (row: string[], at: number) => (at >= 0 ? (row[at] ?? "").trim() : "");
  return rows
    .map((row) => ({ code: cell(row, code), mobile: cell(row, mobile) || undefined, email: cell(row, email) || undefined, openId: cell(row, openId) }))
    .filter((p) => p.code && !p.openId && (p.mobile || p.email))
    .map(({ code: c, mobile: m, email: e }) => ({ code: c, ...(m ? { mobile: m } : {}), ...(e ? { email: e } : {}) }));
}

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

    // 3. every scope of src/feishu/scopes.ts is granted (查询租户授权状态, which needs no scope)
    lines.push(await scopesLine(authed));

    // 4. the id look-up works: an address nobody has (contact:user.id:readonly)
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

    // 5. the contact data range: batch_get_id answers ids only for people inside it, and nothing for the rest
    if (lookup.body.code === 0) {
      const { line, probeOpenId } = await contactRangeLine(authed, o);
      lines.push(line);
      // 6. the availability range: people outside it cannot be messaged (230013)
      lines.push(await availabilityLine(authed, o, probeOpenId));
    }

    // 7. ADMIN_OPEN_IDS is a bootstrap for the first roster import
    if (o.adminOpenIds?.length)
      lines.push({
        ok: null,
        label: "ADMIN_OPEN_IDS",
        detail: `set (${o.adminOpenIds.length} open_id${o.adminOpenIds.length === 1 ? "" : "s"}): administrators only until the roster has an active administrator`,
        fix: "after the first roster import (people.csv with role admin), remove it: npx wrangler secret delete ADMIN_OPEN_IDS (and from .dev.vars)",
      });

    // 8. DIGEST_CHAT_ID is a group the bot is in
    if (!o.digestChatId) lines.push({ ok: false, label: "DIGEST_CHAT_ID", detail: "not set", fix: "add the bot to the office group, find its chat_id (oc_…) with npm run doctor -- --chats, then: npx wrangler secret put DIGEST_CHAT_ID (a secret survives every deploy)" });
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
            ? "cannot tell without im:chat:readonly (see the scopes line): add it and publish a version, or make sure by hand that the bot is in the group"
            : "check that DIGEST_CHAT_ID is the group's chat_id (oc_…) of this tenant",
        });
    }
  }

  // 9. the deployed Worker: /healthz and the URL challenge on both URLs
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

/** Scopes the console lists as 历史版本, with the name that replaces each: an app holding only the old one gets no message events. */
const WITHDRAWN: Record<string, string> = {
  "im:message.p2p_msg": "im:message.p2p_msg:readonly",
  "im:message.group_at_msg": "im:message.group_at_msg:readonly",
};

/**
 * The app's scopes as the tenant granted them (`GET /open-apis/application/v6/scopes`, 查询租户授权状态: no scope
 * needed; grant_status 1 granted, 2 not yet). Its example names a scope without the part before the first colon,
 * so both spellings are accepted.
 */
async function scopesLine(authed: Authed): Promise<CheckLine> {
  const label = "scopes (权限管理)";
  const answer = await authed("/open-apis/application/v6/scopes");
  if (answer.body.code !== 0) return { ok: null, label, detail: `cannot list them: ${describe(answer.body)}`, fix: "compare 开发者后台 → 权限管理 with the list printed below" };
  const granted = new Map<string, number>();
  for (const s of ((answer.body.data as Json | undefined)?.scopes ?? []) as { scope_name?: string; grant_status?: number }[]) {
    if (s.scope_name) granted.set(s.scope_name, s.grant_status ?? 0);
  }
  const statusOf = (scope: string) => granted.get(scope) ?? granted.get(scope.slice(scope.indexOf(":") + 1));
  const missing = FEISHU_SCOPES.map((s) => s.scope).filter((scope) => statusOf(scope) === undefined);
  const pending = FEISHU_SCOPES.map((s) => s.scope).filter((scope) => statusOf(scope) !== undefined && statusOf(scope) !== 1);
  const withdrawn = Object.keys(WITHDRAWN).filter((old) => statusOf(old) !== undefined && missing.includes(WITHDRAWN[old]!));
  if (missing.length === 0 && pending.length === 0) return { ok: true, label, detail: `all ${FEISHU_SCOPES.length} granted` };
  const parts = [
    ...(missing.length ? [`not added: ${missing.join(", ")}`] : []),
    ...(pending.length ? [`added, not yet granted: ${pending.join(", ")}`] : []),
    ...withdrawn.map((old) => `${old} is a withdrawn 历史版本 name: add ${WITHDRAWN[old]} instead`),
  ];
  return {
    ok: false,
    label,
    detail: parts.join("; "),
    fix: "开发者后台 → 开发配置 → 权限管理: add each (the names are listed below), then publish a version (版本管理与发布) and have the tenant administrator approve it",
  };
}

type Authed = (path: string, init?: RequestInit) => Promise<{ status: number; body: Json }>;

/** A mobile or an email, as batch_get_id takes them. */
export function splitAddresses(addresses: readonly string[]): { mobiles: string[]; emails: string[] } {
  const mobiles: string[] = [];
  const emails: string[] = [];
  for (const address of addresses.map((a) => a.trim()).filter(Boolean)) (address.includes("@") ? emails : mobiles).push(address);
  return { mobiles, emails };
}

/** open_ids for mobiles and emails (absent: not found), or Feishu's answer when a call fails. */
export async function lookUpOpenIds(authed: Authed, addresses: readonly string[]): Promise<{ found: Map<string, string>; error?: Json }> {
  const { mobiles, emails } = splitAddresses(addresses);
  const found = new Map<string, string>();
  for (let i = 0; i < Math.max(mobiles.length, emails.length); i += LOOKUP_CHUNK) {
    const answer = await authed("/open-apis/contact/v3/users/batch_get_id?user_id_type=open_id", {
      method: "POST",
      body: JSON.stringify({ mobiles: mobiles.slice(i, i + LOOKUP_CHUNK), emails: emails.slice(i, i + LOOKUP_CHUNK) }),
    });
    if (answer.body.code !== 0) return { found, error: answer.body };
    const users = ((answer.body.data as Json | undefined)?.user_list ?? []) as { mobile?: string; email?: string; user_id?: string }[];
    for (const user of users) {
      const key = user.mobile ?? user.email;
      if (key && user.user_id) found.set(key, user.user_id);
    }
  }
  return { found };
}

/** Whether the --probe address and the --roster people resolve to open_ids. Names codes, never mobiles or emails. */
async function contactRangeLine(authed: Authed, o: DoctorOptions): Promise<{ line: CheckLine; probeOpenId?: string }> {
  const label = "contact range (通讯录权限范围)";
  const people = (o.rosterPeople ?? []).filter((p) => p.mobile || p.email).slice(0, MAX_ROSTER_PROBES);
  if (!o.probe && people.length === 0)
    return {
      line: {
        ok: null,
        label,
        detail: "not checked: an id look-up answers the same for someone outside the range as for an unknown address",
        fix: "pass --probe <mobile|email> of someone in your tenant, or --roster <people.csv|folder> to look up the roster's people",
      },
    };
  const addresses = [...(o.probe ? [o.probe] : []), ...people.map((p) => (p.mobile || p.email)!)];
  const { found, error } = await lookUpOpenIds(authed, addresses);
  if (error) return { line: { ok: false, label, detail: describe(error), fix: "see the code above in Feishu's error code list" } };
  const probeOpenId = o.probe ? found.get(o.probe.trim()) : undefined;
  const missing = people.filter((p) => !found.has((p.mobile || p.email)!)).map((p) => p.code);
  const parts: string[] = [];
  if (o.probe) parts.push(probeOpenId ? `--probe resolves to ${probeOpenId}` : "--probe does not resolve");
  if (people.length) parts.push(`${people.length - missing.length} of ${people.length} roster people resolve`);
  if (missing.length) parts.push(`not found: ${missing.slice(0, 20).join(", ")}${missing.length > 20 ? ` and ${missing.length - 20} more` : ""}`);
  const ok = (!o.probe || Boolean(probeOpenId)) && missing.length === 0;
  return {
    probeOpenId,
    line: {
      ok,
      label,
      detail: parts.join("; "),
      ...(ok
        ? {}
        : {
            fix: `people outside the app's contact range get no id (mobiles and emails of the roster stay unresolved, and they get no messages): ${CONTACT_RANGE} → add their departments (or 全部成员), then publish a new version; otherwise check the mobile / email on the roster`,
          }),
    },
  };
}

/**
 * People outside the availability range cannot be messaged: message send answers 230013 "Bot has NO
 * availability to this user" (发送消息 page, error codes). No API short of sending (or an extra admin scope) tells,
 * so only `--send-test` checks it, with one message to the --probe person.
 */
async function availabilityLine(authed: Authed, o: DoctorOptions, probeOpenId: string | undefined): Promise<CheckLine> {
  const label = "availability (可用范围)";
  const explain = `the bot can message only people within the app's availability range (Feishu answers 230013 for others): ${AVAILABILITY} → 全部成员, or every roster person's department, then publish the version`;
  if (!o.sendTest || !probeOpenId)
    return {
      ok: null,
      label,
      detail: o.sendTest ? "not checked: --send-test needs a --probe that resolves" : "not checked (it takes a message): pass --probe <your mobile|email> --send-test to send yourself one",
      fix: explain,
    };
  const content = JSON.stringify({ text: "督学 npm run doctor: 测试消息，无需回复。(a test message from the bot's setup check; no action needed)" });
  const answer = await authed("/open-apis/im/v1/messages?receive_id_type=open_id", {
    method: "POST",
    body: JSON.stringify({ receive_id: probeOpenId, msg_type: "text", content, uuid: `doctor-${crypto.randomUUID()}` }),
  });
  if (answer.body.code === 0) return { ok: true, label, detail: `a test message reached ${probeOpenId}` };
  if (answer.body.code === 230013) return { ok: false, label, detail: `${probeOpenId} is outside it: ${describe(answer.body)}`, fix: explain };
  return {
    ok: false,
    label,
    detail: describe(answer.body),
    fix: scopeDenied(answer.body) ? "开发者后台 → 权限管理: add im:message:send_as_bot, then publish a new version" : "see the code above in Feishu's error code list",
  };
}

/** A tenant token's authorised calls, or the line saying why there is no token. */
async function authorise(o: Pick<DoctorOptions, "appId" | "appSecret" | "baseUrl" | "fetch">, label: string): Promise<Authed | CheckLine> {
  const f = o.fetch ?? fetch;
  const api = (path: string) => `${o.baseUrl.replace(/\/$/, "")}${path}`;
  const tokenAnswer = await callJson(f, api("/open-apis/auth/v3/tenant_access_token/internal"), {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({ app_id: o.appId, app_secret: o.appSecret }),
  });
  const token = tokenAnswer.body.code === 0 ? String(tokenAnswer.body.tenant_access_token ?? "") : "";
  if (!token) return { ok: false, label, detail: describe(tokenAnswer.body), fix: "check FEISHU_APP_ID / FEISHU_APP_SECRET and FEISHU_BASE_URL" };
  return (path, init = {}) =>
    callJson(f, api(path), { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json; charset=utf-8", ...(init.headers ?? {}) } });
}

/** `npm run doctor -- --chats`: the group chats the bot is in, for DIGEST_CHAT_ID and offices.csv's digest_chat_id. */
export async function botChats(o: Pick<DoctorOptions, "appId" | "appSecret" | "baseUrl" | "fetch">): Promise<CheckLine[]> {
  const authed = await authorise(o, "chats");
  if (typeof authed !== "function") return [authed];
  const answer = await authed("/open-apis/im/v1/chats?page_size=100");
  if (answer.body.code !== 0)
    return [
      {
        ok: false,
        label: "chats",
        detail: describe(answer.body),
        fix: scopeDenied(answer.body) ? "开发者后台 → 权限管理: add im:chat:readonly, then publish a new version" : "see the code above in Feishu's error code list",
      },
    ];
  const data = answer.body.data as { items?: { chat_id?: string; name?: string }[]; has_more?: boolean } | undefined;
  const items = data?.items ?? [];
  if (items.length === 0) return [{ ok: false, label: "chats", detail: "the bot is in no group chat", fix: "群设置 → 群机器人 → 添加机器人 (add this app's bot to the office group), then run this again" }];
  return [
    ...items.map((chat) => ({ ok: true, label: String(chat.chat_id ?? "?"), detail: String(chat.name ?? "") })),
    ...(data?.has_more ? [{ ok: null, label: "…", detail: "more than 100 groups: only the first 100 are listed" }] : []),
  ];
}

/** `npm run doctor -- --whois <mobile|email>`: the open_id to put in ADMIN_OPEN_IDS. */
export async function whois(o: Pick<DoctorOptions, "appId" | "appSecret" | "baseUrl" | "fetch">, address: string): Promise<CheckLine> {
  const authed = await authorise(o, "whois");
  if (typeof authed !== "function") return authed;
  const { found, error } = await lookUpOpenIds(authed, [address]);
  if (error)
    return {
      ok: false,
      label: "whois",
      detail: describe(error),
      fix: scopeDenied(error) ? "开发者后台 → 权限管理: add contact:user.id:readonly, then publish a new version" : "see the code above in Feishu's error code list",
    };
  const openId = found.get(address.trim());
  return openId
    ? { ok: true, label: "whois", detail: openId, fix: `for the first administrator: npx wrangler secret put ADMIN_OPEN_IDS (value ${openId}), until the roster names an admin` }
    : { ok: false, label: "whois", detail: "no user with that mobile or email is visible to the app", fix: `check the address (a mobile as in Feishu, e.g. +8613800000000 or 13800000000), and that the person is within ${CONTACT_RANGE}` };
}

/** The console settings to enter, with the exact URLs: the list of src/feishu/scopes.ts, as the README's setup gives it. */
export function subscriptionLines(workerUrl: string | undefined): string[] {
  const base = (workerUrl ?? "https://<your-worker>.workers.dev").replace(/\/$/, "");
  return [
    `事件配置 (Events) → 请求地址: ${base}/feishu/events`,
    `  subscribe: ${SUBSCRIPTIONS.events.join(", ")}`,
    `回调配置 (Callbacks) → 请求地址: ${base}/feishu/cards`,
    `  subscribe: ${SUBSCRIPTIONS.callbacks.join(", ")}`,
    `scopes (权限管理): ${SUBSCRIPTIONS.scopes.join(", ")}`,
    `可用范围 (版本管理与发布) and 通讯录权限范围 (权限管理 → 数据权限): everyone on the roster, or their departments`,
  ];
}

export function formatLine(line: CheckLine): string {
  const mark = line.ok === true ? "✓" : line.ok === false ? "✗" : "?";
  return `${mark} ${line.label.padEnd(32)} ${line.detail}${line.fix ? `\n    fix: ${line.fix}` : ""}`;
}
