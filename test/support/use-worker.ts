import { afterAll, beforeAll } from "vitest";
import { FakeFeishu, type FakeFeishuOptions } from "./fake-feishu.ts";
import { seedOfficesRoster } from "./offices-roster.ts";
import { seedRoster } from "./roster.ts";
import { TestWorker, type TestWorkerOptions } from "./worker.ts";

export interface UseWorkerOptions extends Omit<TestWorkerOptions, "fake" | "vars"> {
  /** the Worker's vars, or a function giving them when the worker starts (for a value known only then, e.g. another fake's url) */
  vars?: Record<string, string> | (() => Record<string, string>);
  /** the roster loaded before the tests: `true` the fixture roster, a folder's path, or "offices" (offices-roster.ts) */
  roster?: boolean | string | "offices";
  /** a fake started for this worker with these options (a fake given as `fake` is used as it is) */
  fake?: FakeFeishu | FakeFeishuOptions;
  /** more setup after the roster (seeding, settings), with the started worker */
  setup?: (worker: TestWorker) => Promise<void> | void;
  /** error log lines the tests cause on purpose (fault injection): `stop()` fails the file for any other (TestWorker.expectErrors) */
  expectErrors?: RegExp[];
  /** messages the tests leave dead in the outbox on purpose: a number, or true for any (TestWorker.expectDead) */
  expectDead?: number | true;
  /** messages the tests leave undelivered on purpose (TestWorker.expectOpen) */
  expectOpen?: boolean;
  /** more teardown after the worker is stopped (a second fake, temporary folders) */
  teardown?: () => Promise<void> | void;
}

/**
 * The one setup of an integration file (or describe block): registers a `beforeAll` that starts the fake Feishu
 * and the Worker, loads the roster and runs `setup`, and an `afterAll` that stops them (where `stop()` fails the
 * file if it did not end clean). Returns the worker, usable from the hooks and tests that follow.
 */
export function useWorker(options: UseWorkerOptions = {}): TestWorker {
  let current: TestWorker | undefined;
  const { roster, fake, setup, teardown, vars, expectErrors, expectDead, expectOpen, ...workerOptions } = options;
  beforeAll(async () => {
    const started = fake instanceof FakeFeishu ? fake : await new FakeFeishu(fake).start();
    if (!started.url) await started.start();
    current = await TestWorker.start({ ...workerOptions, vars: typeof vars === "function" ? vars() : vars, fake: started });
    if (expectErrors) current.expectErrors(...expectErrors);
    if (expectDead !== undefined) current.expectDead(expectDead === true ? undefined : expectDead);
    if (expectOpen) current.expectOpen();
    if (roster === "offices") await seedOfficesRoster(current);
    else if (typeof roster === "string") await seedRoster(current, roster);
    else if (roster) await seedRoster(current);
    await setup?.(current);
  });
  afterAll(async () => {
    try {
      await current?.stop();
    } finally {
      await teardown?.();
    }
  });
  return new Proxy({} as TestWorker, {
    get(_target, key) {
      if (!current) throw new Error(`useWorker: the worker starts in beforeAll; "${String(key)}" was read before`);
      const value = Reflect.get(current, key, current);
      return typeof value === "function" ? value.bind(current) : value;
    },
    set(_target, key, value) {
      if (!current) throw new Error("useWorker: the worker starts in beforeAll");
      return Reflect.set(current, key, value, current);
    },
  });
}
