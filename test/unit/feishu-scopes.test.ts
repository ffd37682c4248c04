import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SUBSCRIPTIONS, subscriptionLines } from "../../scripts/lib/doctor-checks.ts";
import { FEISHU_CALLBACKS, FEISHU_EVENTS, FEISHU_SCOPES, SCOPELESS_APIS, feishuSetupMarkdown } from "../../src/feishu/scopes.ts";

/**
 * One list of scopes and subscriptions (src/feishu/scopes.ts): the README's setup and `npm run doctor`
 * print it, and it covers every Feishu API the code calls and every event it handles.
 */
const ROOT = join(import.meta.dirname, "../..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const filesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((name) => (statSync(join(ROOT, dir, name)).isDirectory() ? filesUnder(join(dir, name)) : name.endsWith(".ts") ? [join(dir, name)] : []));
const source = (file: string) => readFileSync(join(ROOT, file), "utf8");
const neededBy = FEISHU_SCOPES.flatMap((s) => s.neededBy);
const listed = (api: string) => neededBy.some((use) => use.includes(api)) || (SCOPELESS_APIS as readonly string[]).includes(api);

/** The SDK's methods this code calls, as the API each one is. */
const SDK_METHODS: Record<string, string> = {
  "im.message.create": "POST /open-apis/im/v1/messages",
  "im.message.reply": "POST /open-apis/im/v1/messages/:message_id/reply",
  "im.message.patch": "PATCH /open-apis/im/v1/messages/:message_id",
  "im.image.create": "POST /open-apis/im/v1/images",
  "im.file.create": "POST /open-apis/im/v1/files",
  "contact.user.batchGetId": "POST /open-apis/contact/v3/users/batch_get_id",
};

describe("the Feishu scopes and subscriptions", () => {
  it("the README's setup shows exactly the list in src/feishu/scopes.ts (node scripts/readme-feishu.ts regenerates it)", () => {
    const block = /<!-- feishu-setup:start -->\n([\s\S]*?)\n<!-- feishu-setup:end -->/.exec(readme)?.[1];
    expect(block).toBe(feishuSetupMarkdown());
    // every scope-like name the README mentions anywhere is one of the list: no second list, no withdrawn name
    const mentioned = new Set([...readme.matchAll(/`((?:im|contact|application):[a-z0-9_.:]+)`/g)].map((m) => m[1]!));
    expect([...mentioned].filter((scope) => !FEISHU_SCOPES.some((s) => s.scope === scope))).toEqual([]);
    expect(readme).not.toMatch(/im:message\.(p2p_msg|group_at_msg)(?!:readonly)/);
  });

  it("the doctor prints the same list", () => {
    expect(SUBSCRIPTIONS.scopes).toEqual(FEISHU_SCOPES.map((s) => s.scope));
    expect(SUBSCRIPTIONS.events).toEqual(FEISHU_EVENTS.map((e) => e.name));
    expect(SUBSCRIPTIONS.callbacks).toEqual(FEISHU_CALLBACKS.map((c) => c.name));
    const printed = subscriptionLines("https://duxue.example.workers.dev");
    expect(printed).toContain(`scopes (权限管理): ${FEISHU_SCOPES.map((s) => s.scope).join(", ")}`);
    expect(printed).toContain(`  subscribe: ${FEISHU_EVENTS.map((e) => e.name).join(", ")}`);
  });

  it("covers every Feishu API the Worker and the doctor call, and the events the Worker handles", () => {
    const files = [...filesUnder("src"), "scripts/lib/doctor-checks.ts"];
    const sdkCalls = files.flatMap((file) => [...source(file).matchAll(/this\.sdk\.([a-z]+\.[a-z]+\.[a-zA-Z]+)\(/g)].map((m) => m[1]!));
    expect(sdkCalls.length).toBeGreaterThan(0);
    expect(sdkCalls.filter((method) => !SDK_METHODS[method])).toEqual([]);
    expect(Object.values(SDK_METHODS).filter((api) => !listed(api))).toEqual([]);

    const paths = files.flatMap((file) => [...source(file).matchAll(/[`"](\/open-apis\/[^`"?]+)/g)].map((m) => m[1]!.replace(/\$\{[^}]+\}/g, ":param")));
    expect(paths.length).toBeGreaterThan(3);
    const known = [...neededBy, ...SCOPELESS_APIS].map((use) => use.replace(/:[a-z_]+/g, ":param"));
    expect(paths.filter((path) => !known.some((use) => use.includes(path)))).toEqual([]);

    const handled = [...source("src/app.ts").matchAll(/event_type (?:!==|===) "([^"]+)"/g)].map((m) => m[1]!);
    expect(handled.length).toBeGreaterThan(0);
    const subscribed = [...FEISHU_EVENTS, ...FEISHU_CALLBACKS].map((s) => s.name);
    expect(handled.filter((name) => !subscribed.includes(name))).toEqual([]);
    // an event's scopes are in the list
    expect([...FEISHU_EVENTS, ...FEISHU_CALLBACKS].flatMap((e) => e.scopes).filter((scope) => !FEISHU_SCOPES.some((s) => s.scope === scope))).toEqual([]);
  });
});
