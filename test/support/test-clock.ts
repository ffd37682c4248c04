import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The test's clock for the Worker's waits (src/test-clock.ts: the Worker is started with
 * `TEST_CLOCK_URL: clock.url`). A wait the Worker asks for is held until the test `advance`s this clock
 * past its end; `waiting(n)` resolves once n waits are held (a signal from the Worker, not a sleep).
 * With `TEST_CLOCK_DELIVERY` too, delivery's rate limiter reads its "now" here (`/now`, `time()`) and waits for
 * its send slots here (`/wait?until=`); `drive` plays such work out step by step. The wall clock is read once,
 * for the epoch the clock starts at; after that, time moves only when the test moves it.
 */
export class TestClock {
  private server: Server | null = null;
  private nowMs = 0;
  /** the epoch ms the clock started at (`time()` is this plus how far the test moved it) */
  readonly epochMs = Date.now();
  private readonly held: { until: number; label: string; release: () => void }[] = [];
  private readonly watchers: { n: number; label: string | undefined; resolve: () => void }[] = [];
  /** every wait the Worker asked for, in order */
  readonly asked: { ms: number; label: string }[] = [];
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://clock");
      req.resume();
      const answer = () => res.writeHead(200, { "content-type": "text/plain" }).end(String(this.time()));
      if (url.pathname === "/now") return answer();
      if (url.pathname !== "/wait") {
        res.writeHead(404).end();
        return;
      }
      const label = url.searchParams.get("label") ?? "";
      // `until`: an absolute time (delivery's slots); `ms`: a span from now (the photo batch's window)
      const until = url.searchParams.has("until") ? Number(url.searchParams.get("until")) - this.epochMs : this.nowMs + Number(url.searchParams.get("ms") ?? "0");
      this.asked.push({ ms: until - this.nowMs, label });
      if (url.searchParams.has("until") && until <= this.nowMs) return answer();
      this.held.push({ until, label, release: answer });
      this.notify();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The clock's time, in epoch ms. */
  time(): number {
    return this.epochMs + this.nowMs;
  }

  /** How many waits (with this label) are held now. */
  holding(label?: string): number {
    return this.held.filter((wait) => labelled(wait.label, label)).length;
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

  /** Moves the clock to the end of the earliest wait held (with this label), no further; returns how many waits that ended. */
  step(label?: string): number {
    const ends = this.held.filter((wait) => labelled(wait.label, label)).map((wait) => wait.until);
    if (ends.length === 0) return 0;
    const before = this.held.length;
    this.advance(Math.max(0, Math.min(...ends) - this.nowMs));
    return before - this.held.length;
  }

  /**
   * Plays `work` out on this clock, one step at a time: whenever a wait labelled `label` is held, moves the clock to
   * the earliest one's end (never further: `step`) and, before the next step, awaits `stepDone(released)`, the sign
   * (given by the test, e.g. that their sends reached the fake) that what the released waits went on to do has
   * happened, so the clock never runs ahead of work in flight. Settles as `work` does.
   */
  async drive<T>(work: Promise<T>, label: string, stepDone: (released: number) => Promise<unknown>): Promise<T> {
    let finished = false;
    const end = work.then(
      () => void (finished = true),
      () => void (finished = true),
    );
    while (!finished) {
      await Promise.race([this.waiting(1, label), end]);
      if (finished) break;
      const released = this.step(label);
      await Promise.race([stepDone(released), end]);
    }
    return work;
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

/** A wait's label matches `label` when it is that label or one under it ("delivery" matches "delivery:slot"); no label matches all. */
function labelled(waitLabel: string, label: string | undefined): boolean {
  return label === undefined || waitLabel === label || waitLabel.startsWith(`${label}:`);
}
