import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The test's clock for the Worker's waits (src/test-clock.ts: the Worker is started with
 * `TEST_CLOCK_URL: clock.url`). A wait the Worker asks for is held until the test `advance`s this clock
 * past its end; `waiting(n)` resolves once n waits are held (a signal from the Worker, not a sleep).
 * Nothing here reads the wall clock.
 */
export class TestClock {
  private server: Server | null = null;
  private nowMs = 0;
  private readonly held: { until: number; label: string; release: () => void }[] = [];
  private readonly watchers: { n: number; label: string | undefined; resolve: () => void }[] = [];
  /** every wait the Worker asked for, in order */
  readonly asked: { ms: number; label: string }[] = [];
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://clock");
      if (url.pathname !== "/wait") {
        res.writeHead(404).end();
        return;
      }
      const ms = Number(url.searchParams.get("ms") ?? "0");
      const label = url.searchParams.get("label") ?? "";
      this.asked.push({ ms, label });
      req.resume();
      this.held.push({ until: this.nowMs + ms, label, release: () => res.writeHead(200, { "content-type": "text/plain" }).end("ok") });
      this.notify();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** How many waits (with this label) are held now. */
  holding(label?: string): number {
    return this.held.filter((wait) => label === undefined || wait.label === label).length;
  }

  /** Resolves when at least `n` waits (with this label) are held. */
  waiting(n: number, label?: string): Promise<void> {
    return new Promise((resolve) => {
      this.watchers.push({ n, label, resolve });
      this.notify();
    });
  }

  /** Moves the clock on by `ms` and answers every wait that has ended. */
  advance(ms: number): void {
    this.nowMs += ms;
    for (let i = this.held.length - 1; i >= 0; i--) {
      const wait = this.held[i]!;
      if (wait.until <= this.nowMs) {
        this.held.splice(i, 1);
        wait.release();
      }
    }
  }

  private notify(): void {
    for (let i = this.watchers.length - 1; i >= 0; i--) {
      const watcher = this.watchers[i]!;
      if (this.holding(watcher.label) >= watcher.n) {
        this.watchers.splice(i, 1);
        watcher.resolve();
      }
    }
  }

  async stop(): Promise<void> {
    this.advance(Number.MAX_SAFE_INTEGER / 2);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
