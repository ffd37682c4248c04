/**
 * `npx node bench/profile-replies.ts`: a V8 CPU profile of the Worker answering chat commands, taken
 * through workerd's inspector: 30 rounds of 10 supervisors of the demo city sending `帮助` at the same
 * moment (as the reply-latency bench's "10 senders at once"), each round answered before the next.
 * Writes `.test-dist/replies.cpuprofile` and prints the functions with the most samples.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDemoRoster } from "../scripts/lib/demo-roster.ts";
import { ROOT } from "../test/support/build.ts";
import { FakeFeishu } from "../test/support/fake-feishu.ts";
import { feishuRequest } from "../test/support/feishu-signing.ts";
import { seedRoster } from "../test/support/roster.ts";
import { ENCRYPT_KEY, messageEvent, TestWorker } from "../test/support/worker.ts";
import { BurstClient } from "./ack-latency.ts";

const INSPECTOR_PORT = 9340;
const out = join(ROOT, ".test-dist", "replies.cpuprofile");

const fake = await new FakeFeishu().start();
const worker = await TestWorker.start({ fake, directSocket: true, inspectorPort: INSPECTOR_PORT });
const client = new BurstClient();
try {
  const dir = mkdtempSync(join(tmpdir(), "duxue-profile-"));
  const roster = generateDemoRoster({ cities: 1 });
  for (const kind of ["offices", "zones", "people", "schools"] as const) writeFileSync(join(dir, `${kind}.csv`), roster[kind]);
  await seedRoster(worker, dir);
  rmSync(dir, { recursive: true, force: true });
  const supervisors = (await worker.query<{ open_id: string }>("SELECT open_id FROM people WHERE role = 'supervisor' AND open_id IS NOT NULL LIMIT 300")).map((r) => r.open_id);
  const url = await worker.directUrl("/feishu/events");
  let n = 0;
  const round = (size: number) =>
    Array.from({ length: size }, () => {
      const i = n++;
      const payload = messageEvent({ eventId: `ev_profile_${i}`, messageId: `om_profile_${i}`, openId: supervisors[i % supervisors.length]!, chatType: "p2p", messageType: "text", content: { text: "帮助" } });
      return feishuRequest(payload, { encryptKey: ENCRYPT_KEY });
    });
  for (let i = 0; i < 5; i++) {
    await client.burst(url, round(10));
    await worker.settle(60_000);
  }

  const targets = (await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json`)).json()) as { title: string; webSocketDebuggerUrl: string }[];
  const target = targets.find((candidate) => candidate.title.includes("core:user"));
  if (!target) throw new Error(`no user worker among the inspector's targets: ${targets.map((t) => t.title).join(", ")}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", reject);
  });
  let lastId = 0;
  const answers = new Map<number, (result: unknown) => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) answers.get(message.id)?.(message.result);
  });
  const call = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve) => {
      const id = ++lastId;
      answers.set(id, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 50 });
  await call("Profiler.start");
  for (let i = 0; i < 30; i++) {
    await client.burst(url, round(10));
    await worker.settle(60_000);
  }
  const { profile } = await call<{ profile: { nodes: { id: number; hitCount: number; callFrame: { functionName: string; url: string; lineNumber: number } }[] } }>("Profiler.stop");
  socket.close();
  writeFileSync(out, JSON.stringify(profile));
  const total = profile.nodes.reduce((sum, node) => sum + node.hitCount, 0);
  const bySelf = new Map<string, number>();
  for (const node of profile.nodes) {
    const key = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").pop()}:${node.callFrame.lineNumber}`;
    bySelf.set(key, (bySelf.get(key) ?? 0) + node.hitCount);
  }
  console.log(`CPU profile of 300 replies written to ${out}; most samples (self):`);
  for (const [key, hits] of [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((100 * hits) / total).toFixed(1).padStart(6)}%  ${key}`);
} finally {
  client.close();
  await worker.stop();
  await fake.stop();
}
process.exit(0);
