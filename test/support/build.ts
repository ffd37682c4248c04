import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BUNDLE_DIR = join(ROOT, ".test-dist");
export const BUNDLE = join(BUNDLE_DIR, "index.js");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestSource(path) : stat.mtimeMs);
  }
  return newest;
}

/** Bundles the Worker exactly as `wrangler deploy` would (same esbuild config, [define], nodejs_compat). */
export function buildWorker(): string {
  const fresh = existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs > Math.max(newestSource(join(ROOT, "src")), statSync(join(ROOT, "wrangler.toml")).mtimeMs);
  if (!fresh) {
    // Build aside and rename into place, so test runs started side by side never read a half-written bundle.
    const outdir = join(BUNDLE_DIR, `build-${process.pid}-${Date.now()}`);
    mkdirSync(outdir, { recursive: true });
    execFileSync(join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    renameSync(join(outdir, "index.js"), BUNDLE);
    rmSync(outdir, { recursive: true, force: true });
  }
  return BUNDLE;
}

/** Migration statements in order, as `wrangler d1 migrations apply` runs them. */
export function migrationStatements(): string[] {
  const dir = join(ROOT, "migrations");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .flatMap((file) =>
      readFileSync(join(dir, file), "utf8")
        .split("--> statement-breakpoint")
        .map((statement) => statement.trim())
        .filter(Boolean),
    );
}
