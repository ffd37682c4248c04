import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";

/**
 * Acknowledgement latency as Feishu's servers would see it: bursts of signed,
 * encrypted events POSTed all at once over warm keep-alive connections, each
 * timed from the moment its request is issued to the last byte of its 200.
 *
 * The client is a small process of its own (this file, forked), as a load
 * generator would be: in the bench's own process its garbage collections (10–15 ms,
 * the bench holds every log line and every message the fake received) landed
 * inside bursts. And it speaks node:http rather than fetch: undici's fetch costs
 * about 0.3 ms of JavaScript per request here, 15 ms for a burst of 50.
 */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

type BurstRequest = { id: number; url: string; requests: SignedRequest[] };
type BurstReply = { id: number; latencies?: number[]; error?: string };

export class BurstClient {
  private readonly child: ChildProcess;
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: BurstReply) => void>();

  constructor() {
    this.child = fork(fileURLToPath(import.meta.url), ["--client"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child.on("message", (reply: BurstReply) => {
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
  }

  /** Sends every request at once to `url`; resolves with each one's latency (ms), and fails on any answer other than 200. */
  burst(url: URL, requests: SignedRequest[]): Promise<number[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (reply) => (reply.latencies ? resolve(reply.latencies) : reject(new Error(reply.error))));
      this.child.send({ id, url: url.href, requests } satisfies BurstRequest);
    });
  }

  close(): void {
    this.child.kill();
  }
}

function runClient() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const post = (url: string, { body, headers }: SignedRequest) => {
    const started = performance.now();
    return new Promise<{ status: number; ms: number }>((resolve, reject) => {
      const request = http.request(url, { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }));
      });
      request.on("error", reject);
      request.end(body);
    });
  };
  process.on("message", async ({ id, url, requests }: BurstRequest) => {
    try {
      const results = await Promise.all(requests.map((request) => post(url, request)));
      const refused = results.filter((result) => result.status !== 200);
      if (refused.length) throw new Error(`${refused.length} of ${requests.length} events were not acknowledged with 200 (first: ${refused[0]!.status})`);
      process.send!({ id, latencies: results.map((result) => result.ms) } satisfies BurstReply);
    } catch (error) {
      process.send!({ id, error: String(error) } satisfies BurstReply);
    }
  });
}

if (process.argv.includes("--client")) runClient();
