import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDemoRoster } from "../scripts/lib/demo-roster.ts";
import { importRosterFolder } from "../scripts/lib/import-roster.ts";
import { applyMigrations, d1Query, ROOT, type D1Target } from "../scripts/lib/wrangler-d1.ts";
import { buildWorker } from "../test/support/build.ts";
import type { FakeFeishu } from "../test/support/fake-feishu.ts";
import { feishuRequest } from "../test/support/feishu-signing.ts";
import { messageEvent } from "../test/support/worker.ts";

/**
 * The bot and the floor bot (bench/floor-worker.js) as `wrangler dev` serves them, one after the
 * other on the same port, against the bench's fake Feishu: reply latency (a user's message POSTed →
 * the reply accepted by the fake) and sustained ingress (acknowledgements under 50 concurrent).
 * Ports: DUXUE_WORKER_PORT (the Worker), DUXUE_SIM_PORT (its inspector).
 */

export const VERIFICATION_TOKEN = "bench-verification-token";
export const ENCRYPT_KEY = "bench-encrypt-key";
const WORKER_PORT = Number(process.env.DUXUE_WORKER_PORT ?? 8787);
const INSPECTOR_PORT = Number(process.env.DUXUE_SIM_PORT ?? 9229);

export interface DevWorker {
  url: string;
  stop(): Promise<void>;
}

/**
 * wrangler.toml pointed at the bundle the tests run (`wrangler deploy --dry-run`), served unbundled:
 * `wrangler dev` then has no esbuild watcher, which crashed under this machine's load and restarted
 * the Worker mid-request.
 */
export function botDevConfig(): string {
  const bundle = buildWorker();
  // a folder of its own: with no_bundle, wrangler dev reloads on any change in main's folder
  const dir = mkdtempSync(join(tmpdir(), "duxue-dev-bundle-"));
  copyFileSync(bundle, join(dir, "index.js"));
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8")
    .replace(/^main = .*$/m, 'main = "index.js"\nno_bundle = true')
    .replace(/^migrations_dir = "migrations"$/m, `migrations_dir = "${join(ROOT, "migrations")}"`);
  const path = join(dir, "wrangler.toml");
  writeFileSync(path, toml);
  return path;
}

/** Starts `wrangler dev` (the bot: botDevConfig(); the floor: bench/floor.wrangler.toml) and waits for "Ready on". */
export async function startWranglerDev(options: { config: string; fake: FakeFeishu; persistTo?: string }): Promise<DevWorker> {
  const dir = mkdtempSync(join(tmpdir(), "duxue-dev-"));
  const envFile = join(dir, "bench.env");
  writeFileSync(
    envFile,
    [
      `FEISHU_APP_ID=${options.fake.appId}`,
      `FEISHU_APP_SECRET=${options.fake.appSecret}`,
      `FEISHU_VERIFICATION_TOKEN=${VERIFICATION_TOKEN}`,
      `FEISHU_ENCRYPT_KEY=${ENCRYPT_KEY}`,
      `FEISHU_BASE_URL=${options.fake.url}`,
      "DIGEST_CHAT_ID=oc_bench_office",
      "ADMIN_OPEN_IDS=",
      "TIMEZONE=Asia/Shanghai",
    ].join("\n") + "\n",
  );
  const args = [
    "dev",
    "--config",
    options.config,
    "--port",
    String(WORKER_PORT),
    "--ip",
    "127.0.0.1",
    "--inspector-port",
    String(INSPECTOR_PORT),
    "--show-interactive-dev-session=false",
    "--env-file",
    envFile,
    ...(options.persistTo ? ["--persist-to", options.persistTo] : []),
  ];
  const child: ChildProcess = spawn(join(ROOT, "node_modules/.bin/wrangler"), args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    detached: false,
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wrangler dev did not start in 180 s:\n${output.slice(-2000)}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("Ready on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`wrangler dev exited (${code}):\n${output.slice(-2000)}`)));
  });
  // keep its output (the bot logs a line per request) in .test-dist/ for a look afterwards
  child.stdout!.removeAllListeners("data");
  child.stderr!.removeAllListeners("data");
  const logFile = createWriteStream(join(tmpdir(), `duxue-wrangler-dev-${options.config.includes("floor") ? "floor" : "bot"}.log`));
  logFile.write(output);
  child.stdout!.pipe(logFile);
  child.stderr!.pipe(logFile);
  return {
    url: `http://127.0.0.1:${WORKER_PORT}`,
    async stop() {
      child.removeAllListeners("exit");
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A local D1 (wrangler's persistence folder) migrated and loaded with the generated demo city; returns 200 supervisors' open_ids. */
export function seedDevDatabase(): { persistTo: string; supervisors: string[]; cleanup(): void } {
  const persistTo = mkdtempSync(join(tmpdir(), "duxue-dev-state-"));
  const target: D1Target = { persistTo };
  applyMigrations(target);
  const folder = join(persistTo, "demo-roster");
  mkdirSync(folder, { recursive: true });
  const demo = generateDemoRoster();
  for (const kind of ["offices", "zones", "people", "schools"] as const) writeFileSync(join(folder, `${kind}.csv`), demo[kind]);
  const report = importRosterFolder(folder, target);
  if (!report.ok) throw new Error(`the demo roster did not import:\n${report.lines.slice(0, 10).join("\n")}`);
  const [rows = []] = d1Query<{ open_id: string }>("SELECT open_id FROM people WHERE role = 'supervisor' AND open_id IS NOT NULL ORDER BY code LIMIT 200", target);
  return { persistTo, supervisors: rows.map((row) => row.open_id), cleanup: () => rmSync(persistTo, { recursive: true, force: true }) };
}

let eventCounter = 0;
function signedMessage(openId: string, text: string) {
  const id = `${Date.now().toString(36)}_${++eventCounter}`;
  const payload = messageEvent({ eventId: `ev_dev_${id}`, messageId: `om_dev_${id}`, openId, chatType: "p2p", messageType: "text", content: { text } });
  (payload.header as { token: string }).token = VERIFICATION_TOKEN;
  return feishuRequest(payload, { encryptKey: ENCRYPT_KEY });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function post(url: string, signed: { body: string; headers: Record<string, string> }, retried = false): Promise<{ status: number; ms: number; text: string }> {
  const { body, headers } = signed;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      response.on("end", () => {
        // wrangler dev restarts its runtime once after start (it fails to fetch Request.cf offline) and answers 503 to
        // what was in flight: send that once more, timed from then
        if (!retried && response.statusCode === 503 && text.includes("restarted mid-request")) post(url, signed, true).then(resolve, reject);
        else resolve({ status: response.statusCode ?? 0, ms: performance.now() - started, text });
      });
    });
    // a kept-alive socket the server closed just as it was reused: send again on a fresh one (timed from then)
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (!retried && request.reusedSocket && error.code === "ECONNRESET") post(url, signed, true).then(resolve, reject);
      else reject(error);
    });
    request.end(body);
  });
}

/** Sends `text` as `openId`; resolves with the ms from issuing the POST to the fake accepting the answer in that chat. */
function replyLatency(fake: FakeFeishu, url: string, openId: string, text: string, timeoutMs = 30_000): Promise<number> {
  const chatId = `oc_p2p_${openId}`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no reply to ${openId} within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = fake.onMessage((message) => {
      if (message.chatId !== chatId || message.updates.length > 0) return;
      clearTimeout(timer);
      stop();
      resolve(performance.now() - started);
    });
    post(`${url}/feishu/events`, signedMessage(openId, text)).then(
      (answer) => {
        if (answer.status !== 200) {
          clearTimeout(timer);
          stop();
          reject(new Error(`event answered ${answer.status}: ${answer.text.slice(0, 300)}`));
        }
      },
      (error) => {
        clearTimeout(timer);
        stop();
        reject(error);
      },
    );
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ReplyLatencies {
  sequential: number[];
  concurrent: number[];
}

/**
 * Sequential: one message at a time (each sender's chat gets at most one message every few
 * hundred ms, as a person types). Concurrent: 10 senders at once, 20 rounds, a pause between.
 */
export async function measureReplyLatency(fake: FakeFeishu, url: string, supervisors: string[], text: string, rounds = { sequential: 60, concurrent: 20 }): Promise<ReplyLatencies> {
  for (let i = 0; i < 5; i++) await replyLatency(fake, url, supervisors[i % supervisors.length]!, text); // warm-up: isolate, JIT, token
  const sequential: number[] = [];
  for (let i = 0; i < rounds.sequential; i++) {
    sequential.push(await replyLatency(fake, url, supervisors[(10 + i) % supervisors.length]!, text));
    await sleep(50);
  }
  const concurrent: number[] = [];
  for (let round = 0; round < rounds.concurrent; round++) {
    const senders = Array.from({ length: 10 }, (_, k) => supervisors[(round * 10 + k) % supervisors.length]!);
    concurrent.push(...(await Promise.all(senders.map((openId) => replyLatency(fake, url, openId, text)))));
    await sleep(400);
  }
  return { sequential, concurrent };
}

/** 200 signed events with at most 50 in flight: acknowledgement latencies and events per second (first POST → last 200). */
export async function measureIngress(url: string, supervisors: string[], text: string, total = 200, concurrency = 50): Promise<{ acks: number[]; perSecond: number }> {
  const requests = Array.from({ length: total }, (_, i) => signedMessage(supervisors[i % supervisors.length]!, text));
  const acks: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        const answer = await post(`${url}/feishu/events`, request);
        if (answer.status !== 200) throw new Error(`event answered ${answer.status}: ${answer.text.slice(0, 300)}`);
        acks.push(answer.ms);
      }
    }),
  );
  return { acks, perSecond: total / ((performance.now() - started) / 1000) };
}
