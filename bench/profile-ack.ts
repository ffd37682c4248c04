/**
 * `node bench/profile-ack.ts [event_type]` (under npm's Node 22: `npx node bench/profile-ack.ts`):
 * a V8 CPU profile of the Worker itself while it acknowledges 40 bursts of 50
 * signed events, taken through workerd's inspector. Open the written
 * `.cpuprofile` in Chrome DevTools (Performance tab) or VS Code.
 * The default event type is one the bot ignores, so the profile is the
 * acknowledgement path alone; pass `im.message.receive_v1` to include the work.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../test/support/build.ts";
import { FakeFeishu } from "../test/support/fake-feishu.ts";
import { feishuRequest } from "../test/support/feishu-signing.ts";
import { ENCRYPT_KEY, messageEvent, TestWorker } from "../test/support/worker.ts";
import { BurstClient } from "./ack-latency.ts";
import { profileWhile } from "./inspector-profile.ts";

const INSPECTOR_PORT = 9339;
const eventType = process.argv[2] ?? "im.chat.member.bot.added_v1";
const out = join(ROOT, ".test-dist", "ack.cpuprofile");

const fake = await new FakeFeishu().start();
const worker = await TestWorker.start({ fake, directSocket: true, inspectorPort: INSPECTOR_PORT });
const client = new BurstClient();
try {
  const url = await worker.directUrl("/feishu/events");
  const signed = (i: number) => {
    const payload = messageEvent({ eventId: `ev_profile_${i}`, messageId: `om_profile_${i}`, openId: `ou_profile_${i % 50}`, chatType: "p2p", messageType: "text", content: { text: "help" } });
    (payload.header as { event_type: string }).event_type = eventType;
    return feishuRequest(payload, { encryptKey: ENCRYPT_KEY });
  };
  for (let i = 0; i < 300; i++) await client.burst(url, [signed(i)]);

  const profile = await profileWhile(INSPECTOR_PORT, async () => {
    for (let burst = 0; burst < 40; burst++) {
      await client.burst(url, Array.from({ length: 50 }, (_, i) => signed(1_000 + burst * 50 + i)));
      // replies are delivered between bursts; an ignored event has none (and idle time blurs workerd's profile)
      if (eventType === "im.message.receive_v1") await worker.settle(60_000);
    }
  });
  writeFileSync(out, JSON.stringify(profile));
  console.log(`CPU profile of 2,000 acknowledgements (${eventType}) written to ${out}`);
} finally {
  client.close();
  await worker.stop();
  await fake.stop();
}
process.exit(0);
