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
import { profileWhile, topFunctions } from "./inspector-profile.ts";

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

  const profile = await profileWhile(INSPECTOR_PORT, async () => {
    for (let i = 0; i < 30; i++) {
      await client.burst(url, round(10));
      await worker.settle(60_000);
    }
  });
  writeFileSync(out, JSON.stringify(profile));
  console.log(`CPU profile of 300 replies written to ${out}; most samples (self):`);
  for (const line of topFunctions(profile)) console.log(line);
} finally {
  client.close();
  await worker.stop();
  await fake.stop();
}
process.exit(0);
