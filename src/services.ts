import type { Services } from "./commands/types.ts";
import { openDb } from "./db/client.ts";
import { fastPath } from "./delivery/fast-path.ts";
import { UnitOfWork } from "./delivery/outbox.ts";
import { loadConfig, type Bindings } from "./env.ts";
import { FeishuClient } from "./feishu/client.ts";

/** Whether the request answers a user (a chat command, a card action): its answers then take the fast path. */
export interface Answering {
  /** the invocation's waitUntil, when the response must not wait for the sends (card actions) */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** Builds the per-request services once: config, database, a unit of work, a lazy Feishu client. */
export function buildServices(env: Bindings, nowMs: number, ref: string, answering?: Answering): Services {
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
    ...(answering?.waitUntil ? { waitUntil: answering.waitUntil } : {}),
    uow: answering
      ? new UnitOfWork(env.DB, env, nowMs).answering(fastPath(env, answering.waitUntil))
      : new UnitOfWork(env.DB, env, nowMs),
  };
}
