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
  private readonly held: { until: number; label: string; by: string | null; release: () => void }[] = [];
  private readonly watchers: { n: number; label: string | undefined; quiet?: boolean; resolve: () => void }[] = [];
  /** the Worker's delivery work under way, by invocation (src/test-clock.ts DeliveryClock.begin) */
  private readonly busy = new Map<string, number>();
  /** every wait the Worker asked for, in order */
  readonly asked: { ms: number; label: string }[] = [];
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://clock");
      req.resume();
      const answer = () => res.writeHead(200, { "content-type": "text/plain" }).end(String(this.time()));
      if (url.pathname === "/now") return answer();
      if (url.pathname === "/busy") {
        const by = url.searchParams.get("by") ?? "";
        const n = (this.busy.get(by) ?? 0) + Number(url.searchParams.get("d") ?? "0");
        if (n > 0) this.busy.set(by, n);
        else this.busy.delete(by);
        answer();
        this.notify();
        return;
      }
      if (url.pathname !== "/wait") {
        res.writeHead(404).end();
        return;
      }
      const label = url.searchParams.get("label") ?? "";
      // `until`: an absolute time (delivery's slots); `ms`: a span from now (the photo batch's window)
      const until = url.searchParams.has("until") ? Number(url.searchParams.get("until")) - this.epochMs : this.nowMs + Number(url.searchParams.get("ms") ?? "0");
      this.asked.push({ ms: until - this.nowMs, label });
      if (url.searchParams.has("until") && until <= this.nowMs) return answer();
      this.held.push({ until, label, by: url.searchParams.get("by"), release: answer });
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
    return new Promise((resolve) => this.watch({ n, label, resolve }));
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
   * Whether every piece of the Worker's delivery work under way (DeliveryClock.begin: an invocation's flow, each send in
   * flight) is waiting on this clock: only then may it move without running ahead of a send on its way or a plan being made.
   */
  quiet(): boolean {
    for (const [by, n] of this.busy) if (this.held.filter((wait) => wait.by === by).length < n) return false;
    return true;
  }

  /**
   * Plays `work` out on this clock, one step at a time: whenever a wait labelled `label` is held and the Worker's
   * delivery work is all waiting on the clock (`quiet`), moves the clock to the earliest such wait's end, never
   * further (`step`). Settles as `work` does.
   */
  async drive<T>(work: Promise<T>, label: string): Promise<T> {
    let finished = false;
    const end = work.then(
      () => void (finished = true),
      () => void (finished = true),
    );
    while (!finished) {
      await Promise.race([new Promise<void>((resolve) => this.watch({ n: 1, label, quiet: true, resolve })), end]);
      if (finished) break;
      this.step(label);
    }
    return work;
  }

  private watch(watcher: (typeof this.watchers)[number]): void {
    this.watchers.push(watcher);
    this.notify();
  }

  private notify(): void {
    for (let i = this.watchers.length - 1; i >= 0; i--) {
      const watcher = this.watchers[i]!;
      if (this.holding(watcher.label) >= watcher.n && (!watcher.quiet || this.quiet())) {
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
