import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The test's barrier for the Worker's critical points (src/test-barrier.ts: the Worker is started with
 * `TEST_BARRIER_URL: barrier.url`). A unit of work that names its critical point (`UnitOfWork.criticalPoint`,
 * e.g. `order:<number>`) asks here before it commits, after reading the state it decides on. A point the test
 * does not `hold` is answered at once; at a held point every request waits until the test `release`s it.
 * `arrived(point, n)` resolves once n requests wait there (a signal from the Worker, not a sleep), so
 * `atOnce` makes two requests commit against the same read state, whatever the machine's speed.
 */
export class TestBarrier {
  private server: Server | null = null;
  private readonly holding = new Set<string>();
  private readonly waiting = new Map<string, ServerResponse[]>();
  private readonly watchers: { point: string; n: number; resolve: () => void }[] = [];
  /** every arrival, in order (held or not) */
  readonly arrivals: string[] = [];
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://barrier");
      if (url.pathname !== "/meet") {
        res.writeHead(404).end();
        return;
      }
      req.resume();
      const point = url.searchParams.get("point") ?? "";
      this.arrivals.push(point);
      if (!this.holding.has(point)) {
        answer(res);
        return;
      }
      this.waiting.set(point, [...(this.waiting.get(point) ?? []), res]);
      this.notify();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** From now on, requests arriving at `point` wait there until `release(point)`. */
  hold(point: string): void {
    this.holding.add(point);
  }

  /**
   * Resolves when `n` requests wait at `point`; rejects after `boundMs` (a bound on a hang, not a clock to test
   * against), saying how many came: a request that never got to its commit.
   */
  arrived(point: string, n: number, boundMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers.splice(this.watchers.indexOf(watcher), 1);
        reject(new Error(`only ${this.waiting.get(point)?.length ?? 0} of ${n} requests reached the barrier at ${point} within ${boundMs} ms`));
      }, boundMs);
      const watcher = {
        point,
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.watchers.push(watcher);
      this.notify();
    });
  }

  /** Lets every request waiting at `point` go on (all at once) and stops holding it. */
  release(point: string): void {
    this.holding.delete(point);
    for (const res of this.waiting.get(point) ?? []) answer(res);
    this.waiting.delete(point);
  }

  /**
   * Runs `actions` at once and holds them at `point` until all have arrived there, then releases them together:
   * their commits race from the same read state. Returns their results in order.
   */
  async atOnce<T>(point: string, actions: (() => Promise<T>)[]): Promise<T[]> {
    this.hold(point);
    const all = Promise.all(actions.map((action) => action()));
    try {
      await this.arrived(point, actions.length);
    } catch (error) {
      this.release(point);
      await all.catch(() => undefined);
      throw error;
    }
    this.release(point);
    return all;
  }

  private notify(): void {
    for (let i = this.watchers.length - 1; i >= 0; i--) {
      const watcher = this.watchers[i]!;
      if ((this.waiting.get(watcher.point)?.length ?? 0) >= watcher.n) {
        this.watchers.splice(i, 1);
        watcher.resolve();
      }
    }
  }

  async stop(): Promise<void> {
    for (const point of [...this.waiting.keys()]) this.release(point);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function answer(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/plain" }).end("ok");
}
