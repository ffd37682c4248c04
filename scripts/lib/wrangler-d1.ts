import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** D1 through `wrangler d1 execute`, local (.wrangler/state) or --remote, for the scripts. */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");

export interface D1Target {
  remote?: boolean;
  persistTo?: string;
}

function targetArgs(target: D1Target): string[] {
  if (target.remote) return ["--remote"];
  return ["--local", ...(target.persistTo ? ["--persist-to", target.persistTo] : [])];
}

function run(args: string[]): string {
  return execFileSync(WRANGLER, args, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "true" },
  });
}

/** Runs one or more `;`-separated statements; returns each statement's rows. */
export function d1Query<T = Record<string, unknown>>(sql: string, target: D1Target = {}): T[][] {
  const output = run(["d1", "execute", "DB", ...targetArgs(target), "--json", "--command", sql]);
  const parsed = JSON.parse(output.slice(output.indexOf("["))) as { results: T[] }[];
  return parsed.map((statement) => statement.results);
}

export function d1ExecuteFile(sqlText: string, target: D1Target = {}): void {
  const folder = mkdtempSync(join(tmpdir(), "duxue-"));
  const file = join(folder, "import.sql");
  writeFileSync(file, sqlText);
  try {
    run(["d1", "execute", "DB", ...targetArgs(target), "--file", file, ...(target.remote ? ["--yes"] : [])]);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export function applyMigrations(target: D1Target = {}): string {
  return run(["d1", "migrations", "apply", "DB", ...targetArgs(target)]);
}

/** A SQL string literal. */
export const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;
