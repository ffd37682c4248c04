import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { FakeFeishu } from "../test/support/fake-feishu.ts";
import { generateDemoRoster } from "./lib/demo-roster.ts";
import { importRosterFolder } from "./lib/import-roster.ts";
import { applyMigrations, d1Query, ROOT, type D1Target } from "./lib/wrangler-d1.ts";
import { OFFICE_GROUP_CHAT_ID, Simulator } from "./sim/server.ts";

/**
 * npm start: migrate the local D1, load the demo roster into an empty
 * database, start a local fake Feishu, the simulator and `wrangler dev`.
 * `npm start -- --feishu` runs against real Feishu with the values in .dev.vars.
 * DUXUE_STATE_DIR=<folder> keeps the local D1 there instead of .wrangler/state
 * (the browser test starts a fresh city in a temporary folder).
 */

const args = process.argv.slice(2);
const realFeishu = args.includes("--feishu") || process.env.DUXUE_FEISHU === "real";
const WORKER_PORT = Number(process.env.DUXUE_WORKER_PORT ?? 8787);
const FAKE_PORT = Number(process.env.DUXUE_FAKE_PORT ?? 9100);
const SIM_PORT = Number(process.env.DUXUE_SIM_PORT ?? 8788);

const STATE_DIR = process.env.DUXUE_STATE_DIR ? resolve(process.env.DUXUE_STATE_DIR) : undefined;
const d1: D1Target = STATE_DIR ? { persistTo: STATE_DIR } : {};
const workDir = STATE_DIR ?? join(ROOT, ".wrangler");

const log = (line: string) => console.log(`[duxue] ${line}`);

log(`applying migrations to the local D1 (${STATE_DIR ?? ".wrangler/state"})…`);
mkdirSync(workDir, { recursive: true });
applyMigrations(d1);

const [[{ n: peopleCount } = { n: 0 }] = []] = d1Query<{ n: number }>("SELECT COUNT(*) AS n FROM people", d1);
if (peopleCount === 0) {
  const folder = join(workDir, "demo-roster");
  mkdirSync(folder, { recursive: true });
  const demo = generateDemoRoster();
  for (const kind of ["offices", "zones", "people", "schools"] as const) writeFileSync(join(folder, `${kind}.csv`), demo[kind]);
  log(`empty database: loading the demo roster (${demo.counts.zones} zones, ${demo.counts.supervisors} supervisors, ${demo.counts.schools} schools, ${demo.counts.managers} managers)…`);
  const report = importRosterFolder(folder, d1);
  for (const line of report.lines) log(line);
} else {
  log(`the local database already has ${peopleCount} people: keeping them (delete ${STATE_DIR ?? ".wrangler/state"} to start over).`);
}

const wranglerArgs = ["dev", "--port", String(WORKER_PORT), "--ip", "127.0.0.1", "--test-scheduled", "--show-interactive-dev-session=false", ...(STATE_DIR ? ["--persist-to", STATE_DIR] : [])];

if (realFeishu) {
  if (!existsSync(join(ROOT, ".dev.vars"))) {
    console.error("--feishu needs a .dev.vars with your app's secrets: copy .dev.vars.example and fill it in.");
    process.exit(2);
  }
  log(`real Feishu mode: the bot listens on http://127.0.0.1:${WORKER_PORT}; expose it (README, "Running against real Feishu").`);
  spawn(join(ROOT, "node_modules/.bin/wrangler"), wranglerArgs, { cwd: ROOT, stdio: "inherit" }).on("exit", (code) => process.exit(code ?? 0));
} else {
  const fake = await new FakeFeishu({ appId: "cli_local_sim", appSecret: "local-sim-secret" }).start(FAKE_PORT);
  fake.botChats.add(OFFICE_GROUP_CHAT_ID); // the simulator's one group has the bot in it (the fake refuses others: 230002)
  const verificationToken = "local-sim-verification-token";
  const encryptKey = "local-sim-encrypt-key";
  const envFile = join(workDir, "sim.env");
  const workerUrl = `http://127.0.0.1:${WORKER_PORT}`;
  writeFileSync(
    envFile,
    [
      `FEISHU_APP_ID=${fake.appId}`,
      `FEISHU_APP_SECRET=${fake.appSecret}`,
      `FEISHU_VERIFICATION_TOKEN=${verificationToken}`,
      `FEISHU_ENCRYPT_KEY=${encryptKey}`,
      `FEISHU_BASE_URL=${fake.url}`,
      `DIGEST_CHAT_ID=${OFFICE_GROUP_CHAT_ID}`,
      `ADMIN_OPEN_IDS=`,
      `TIMEZONE=Asia/Shanghai`,
      // 名牌 prints the schools' public page links on this Worker; the feedback form uses Cloudflare's documented
      // Turnstile test keys (always pass; the widget loads from challenges.cloudflare.com, so it needs the internet)
      `PUBLIC_BASE_URL=${workerUrl}`,
      `TURNSTILE_SITE_KEY=1x00000000000000000000AA`,
      `TURNSTILE_SECRET_KEY=1x0000000000000000000000000000000AA`,
    ].join("\n") + "\n",
  );
  const simulator = await new Simulator({ fake, workerUrl, verificationToken, encryptKey, d1 }).listen(SIM_PORT);
  const wrangler = spawn(join(ROOT, "node_modules/.bin/wrangler"), [...wranglerArgs, "--env-file", envFile], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  wrangler.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  wrangler.stdout.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    if (process.env.DUXUE_VERBOSE) process.stdout.write(text);
    if (text.includes("Ready on")) {
      log(`the bot is running on ${workerUrl} against a local fake Feishu (${fake.url}).`);
      log(`open the simulator: ${simulator.url}`);
      log(`or talk to the bot from a terminal: npm run say -- --as M001 help`);
      log(`photos go to the local R2 bucket duxue-photos (wrangler.toml [[r2_buckets]]) under ${STATE_DIR ?? ".wrangler/state"}.`);
    }
  });
  wrangler.on("exit", (code) => {
    void fake.stop();
    process.exit(code ?? 0);
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => wrangler.kill(signal));
}
