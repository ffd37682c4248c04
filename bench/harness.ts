import { readdirSync, readFileSync } from "node:fs";
import type { FakeFeishu } from "../test/support/fake-feishu.ts";
import { D1_COUNTING_ENTRY } from "../test/support/d1-counter.ts";
import { TestWorker } from "../test/support/worker.ts";

export interface BenchWorker {
  worker: TestWorker;
  logs: Record<string, unknown>[];
}

export async function startBenchWorker(fake: FakeFeishu, options: { queueConsumer?: boolean } = {}): Promise<BenchWorker> {
  const worker = await TestWorker.start({ fake, wrapEntry: D1_COUNTING_ENTRY, ...options });
  return { worker, logs: worker.logs };
}
/** CPU time (ms) used so far by the workerd processes this Node process started (Linux /proc; utime + stime). */
export function workerdCpuMs(): number | undefined {
  let total = 0;
  let found = false;
  const tick = 10; // USER_HZ = 100 on Linux
  try {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      if (!comm.includes("workerd") || Number(fields[1]) !== process.pid) continue;
      total += (Number(fields[11]) + Number(fields[12])) * tick;
      found = true;
    }
  } catch {
    return undefined;
  }
  return found ? total : undefined;
}
