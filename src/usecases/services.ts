import type { Bindings, Config } from "../env.ts";
import type { Db } from "../db/client.ts";
import type { UnitOfWork } from "../delivery/outbox.ts";
import type { FeishuClient } from "../feishu/client.ts";

/** Everything a handler (command, card action, job) may use; built once per request. */
export interface Services {
  env: Bindings;
  config: Config;
  db: Db;
  d1: D1Database;
  /** the request's or the scheduled event's time; handlers never read the clock themselves */
  nowMs: number;
  /** the id in every log line of this request, shown to users with errors */
  ref: string;
  feishu(): FeishuClient;
  uow: UnitOfWork;
  /** the invocation's waitUntil when it answers a card callback: work after the answer (photos/images.ts) */
  waitUntil?: (promise: Promise<unknown>) => void;
}
