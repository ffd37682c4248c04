import type { NameplatePage } from "../db/nameplate.ts";
import { escapeHtml as h, FEEDBACK_KINDS, FEEDBACK_MAX_NAME, FEEDBACK_MAX_TEXT } from "../domain/nameplate.ts";
import { ROUTINE_ITEMS } from "../domain/report-form.ts";
import type { Messages } from "../i18n/index.ts";

/**
 * The public nameplate page's HTML: no framework, no script of ours, a few KB. Every value from the roster or
 * a form is escaped here; nothing else about the school is passed in (db/nameplate.ts reads only what shows).
 */

export const CSS = `*{box-sizing:border-box}body{margin:0;font:16px/1.6 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2329;background:#f5f6f7}
main{max-width:560px;margin:0 auto;padding:16px}header{background:#c0392b;color:#fff;padding:16px;border-radius:8px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;opacity:.9}section{background:#fff;border-radius:8px;padding:16px;margin-top:12px}h2{font-size:17px;margin:0 0 8px}
dl{margin:0}dt{color:#646a73;font-size:14px}dd{margin:0 0 8px;font-size:17px}ul{margin:0;padding-left:20px}label{display:block;margin:8px 0 4px}
textarea,input[type=text],input[type=tel]{width:100%;font:inherit;padding:8px;border:1px solid #d0d3d6;border-radius:6px}textarea{min-height:120px}
fieldset{border:0;padding:0;margin:0}fieldset label{display:inline-block;margin-right:16px}button{margin-top:12px;width:100%;font:inherit;padding:12px;border:0;border-radius:6px;background:#c0392b;color:#fff}
.note{color:#646a73;font-size:14px}.ref{font-size:22px;font-weight:600;letter-spacing:1px}`;

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let binary = "";
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary);
}

let cssHash: Promise<string> | undefined;

/**
 * The page's Content-Security-Policy: nothing but its own inline style (by hash), Turnstile's script and frame
 * (Turnstile, Content Security Policy: script-src and frame-src https://challenges.cloudflare.com), and posts to itself.
 */
export async function contentSecurityPolicy(): Promise<string> {
  const hash = await (cssHash ??= sha256Base64(CSS));
  return [
    "default-src 'none'",
    `style-src 'sha256-${hash}'`,
    "script-src https://challenges.cloudflare.com",
    "frame-src https://challenges.cloudflare.com",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function layout(title: string, body: string, withTurnstile = false): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${h(title)}</title><style>${CSS}</style>${withTurnstile ? `<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>` : ""}</head><body><main>${body}</main></body></html>`;
}

export function nameplateHtml(t: Messages, page: NameplatePage, token: string, visits: number, siteKey: string | undefined): string {
  const n = t.schools.nameplate;
  const items = ROUTINE_ITEMS.map((item) => `<li>${h(t.reports.items[item])}</li>`).join("");
  const contact = [
    `<dt>${h(n.supervisor)}</dt><dd>${h(page.supervisorName ?? "—")}</dd>`,
    page.officeName ? `<dt>${h(n.office)}</dt><dd>${h(page.officeName)}</dd>` : "",
    page.publicPhone ? `<dt>${h(n.phone)}</dt><dd><a href="tel:${h(page.publicPhone.replace(/[^0-9+]/g, ""))}">${h(page.publicPhone)}</a></dd>` : "",
  ].join("");
  const kinds = FEEDBACK_KINDS.map((kind, i) => `<label><input type="radio" name="kind" value="${kind}"${i === 0 ? " checked" : ""}> ${h(n.kinds[kind])}</label>`).join("");
  const form = siteKey
    ? `<form method="post" action="/p/${h(token)}"><p class="note">${h(n.formIntro)}</p><fieldset><legend>${h(n.kind)}</legend>${kinds}</fieldset>
<label for="text">${h(n.text(FEEDBACK_MAX_TEXT))}</label><textarea id="text" name="text" maxlength="${FEEDBACK_MAX_TEXT}" required></textarea>
<label for="name">${h(n.name)}</label><input type="text" id="name" name="name" maxlength="${FEEDBACK_MAX_NAME}" autocomplete="name">
<label for="phone">${h(n.telephone)}</label><input type="tel" id="phone" name="phone" maxlength="20" autocomplete="tel">
<div class="cf-turnstile" data-sitekey="${h(siteKey)}" data-language="zh-cn"></div><button type="submit">${h(n.submit)}</button></form>`
    : `<p class="note">${h(n.formClosed)}</p>`;
  const body = `<header><h1>${h(page.schoolName)}</h1><p>${h(n.heading)}</p></header>
<section><dl>${contact}</dl></section>
<section><h2>${h(n.items)}</h2><ul>${items}</ul></section>
<section><h2>${h(n.published)}</h2><p>${h(n.visitsThisTerm(visits))}</p></section>
<section><h2>${h(n.formHeading)}</h2>${form}</section>
<section><h2>${h(n.lookupHeading)}</h2><form method="get" action="/p/${h(token)}"><label for="ref">${h(n.lookupLabel)}</label><input type="text" id="ref" name="ref" maxlength="15" autocomplete="off"><button type="submit">${h(n.lookupSubmit)}</button></form></section>`;
  return layout(n.pageTitle(page.schoolName), body, !!siteKey);
}

export function notFoundHtml(t: Messages): string {
  const n = t.schools.nameplate;
  return layout(n.heading, `<section><p>${h(n.notFound)}</p></section>`);
}

export function answerHtml(t: Messages, title: string, text: string, backTo: string | null, reference?: string): string {
  const n = t.schools.nameplate;
  const ref = reference ? `<p class="ref">${h(reference)}</p>` : "";
  const back = backTo ? `<p><a href="${h(backTo)}">${h(n.back)}</a></p>` : "";
  return layout(title, `<section><h2>${h(title)}</h2>${ref}<p>${h(text)}</p>${back}</section>`);
}

/** The answer to a reference number looked up on a school's page: its status and the supervisor's reply, nothing else. */
export function lookupHtml(t: Messages, token: string, reference: string, found: { status: "new" | "accepted" | "replied"; reply: string | null } | null): string {
  const n = t.schools.nameplate;
  if (!found) return answerHtml(t, n.lookupHeading, n.lookupNone, `/p/${token}`);
  const reply = found.reply ? `<p>${h(n.lookupReply)}</p><p>${h(found.reply)}</p>` : "";
  return layout(n.lookupHeading, `<section><h2>${h(n.lookupHeading)}</h2><p>${h(n.lookupStatus(reference, n.statuses[found.status]))}</p>${reply}<p><a href="/p/${h(token)}">${h(n.back)}</a></p></section>`);
}
