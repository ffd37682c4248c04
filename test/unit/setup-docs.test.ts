import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jobsByCron } from "../../src/jobs/index.ts";

/**
 * The README's deployment steps and configuration, .dev.vars.example and wrangler.toml say the same as the code:
 * every variable named is one src/env.ts reads, the steps come in an order that can be followed, and the
 * cron times listed are the ones deployed.
 */
const ROOT = join(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const readme = read("README.md");
const bindings = [.../export interface Bindings \{([\s\S]*?)\n\}/.exec(read("src/env.ts"))![1]!.matchAll(/^\s+([A-Z0-9_]+)\??:/gm)].map((m) => m[1]!);
const section = (heading: string) => {
  const start = readme.indexOf(`\n## ${heading}`);
  expect(start, heading).toBeGreaterThan(0);
  const end = readme.indexOf("\n## ", start + 4);
  return readme.slice(start, end < 0 ? undefined : end);
};

describe("the setup as documented", () => {
  it("the configuration table names exactly the Worker's bindings and variables", () => {
    const table = [...section("Configuration").matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);
    expect(bindings.length).toBeGreaterThan(10);
    expect([...table].sort()).toEqual(bindings.filter((name) => name !== "DB" && name !== "OUTBOX").sort());
  });

  it(".dev.vars.example documents every variable the Worker reads, and wrangler.toml sets only known ones", () => {
    const example = [...read(".dev.vars.example").matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect(example.filter((name) => !bindings.includes(name))).toEqual([]);
    expect(bindings.filter((name) => !["DB", "OUTBOX", "PHOTOS"].includes(name) && !example.includes(name))).toEqual([]);
    const vars = /\[vars\]\n([\s\S]*?)\n\[/.exec(read("wrangler.toml"))![1]!;
    expect([...vars.matchAll(/^([A-Z0-9_]+) =/gm)].map((m) => m[1]!).filter((name) => !bindings.includes(name))).toEqual([]);
  });

  it("settings are put where a deploy keeps them: secrets or wrangler.toml, never the dashboard", () => {
    expect(readme).not.toMatch(/\[vars\]` or the dashboard/);
    expect(read("wrangler.toml")).not.toMatch(/^keep_vars/m);
    const deploying = section("Deploying, step by step");
    for (const name of ["DIGEST_CHAT_ID", "ADMIN_OPEN_IDS"]) expect(deploying).toContain(`npx wrangler secret put ${name}`);
  });

  it("each step needs only those above it", () => {
    const deploying = section("Deploying, step by step");
    const at = (text: string) => {
      const index = deploying.indexOf(text);
      expect(index, text).toBeGreaterThanOrEqual(0);
      return index;
    };
    expect(at("enable R2")).toBeLessThan(at("npx wrangler r2 bucket create"));
    expect(at("npx wrangler d1 create")).toBeLessThan(at("npm run db:migrate:remote"));
    // the console checks the request URL when it is saved: the Worker must be deployed with its secrets first
    expect(at("npx wrangler deploy")).toBeLessThan(at("**4. Subscribe**"));
    expect(at("secret put $s")).toBeLessThan(at("**4. Subscribe**"));
    expect(at("**4. Subscribe**")).toBeLessThan(at("**5. Publish a version**"));
    expect(at("添加机器人")).toBeLessThan(at("npm run doctor -- --chats"));
    expect(at("npm run doctor -- --whois")).toBeLessThan(at("npx wrangler secret put ADMIN_OPEN_IDS"));
  });

  it("the cron times listed are the ones deployed and the ones the Worker maps to jobs", () => {
    const crons = JSON.parse(/^crons = (\[.*\])$/m.exec(read("wrangler.toml"))![1]!) as string[];
    expect([...crons].sort()).toEqual(Object.keys(jobsByCron).sort());
    const listed = section("Deploying, step by step");
    for (const cron of crons) expect(listed).toContain(`\`${cron}\``);
  });
});
