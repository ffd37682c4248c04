import type { Services } from "./commands/types.ts";
import { openDb } from "./db/client.ts";
import { UnitOfWork } from "./delivery/outbox.ts";
import { loadConfig, type Bindings } from "./env.ts";
import { FeishuClient } from "./feishu/client.ts";

/** Builds the per-request services once: config, database, a unit of work, a lazy Feishu client. */
export function buildServices(env: Bindings, nowMs: number, ref: string): Services {
  const config = loadConfig(env);
  let client: FeishuClient | undefined;
  return {
    env,
    config,
    db: openDb(env.DB),
    d1: env.DB,
    nowMs,
    ref,
    feishu: () => (client ??= new FeishuClient(config, env.DB)),
    uow: new UnitOfWork(env.DB, env, nowMs),
  };
}
