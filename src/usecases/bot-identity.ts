/**
 * Who the bot is: its open_id, so that in a group only a message that @-mentions the bot itself is a
 * command (a mention of anyone else is chatter). Asked of Feishu once (bot/v3/info), then kept per
 * isolate and in D1 for a day. When it cannot be known the answer is null and groups are not served
 * (fail closed); a failure is remembered for a minute per isolate, so a Feishu outage is not asked
 * about on every group message.
 */
import type { Services } from "./services.ts";
import { cachedValue, storeValue } from "../db/usage.ts";
import { logger } from "../log.ts";

const KEEP_MS = 24 * 60 * 60 * 1000;
const RETRY_AFTER_FAILURE_MS = 60 * 1000;

const isolateMemo = new Map<string, { openId: string | null; until: number }>();

export async function botOpenId(services: Services): Promise<string | null> {
  const key = `bot-open-id/${services.config.FEISHU_APP_ID}`;
  const now = Date.now();
  const remembered = isolateMemo.get(key);
  if (remembered && remembered.until > now) return remembered.openId;
  try {
    const stored = await cachedValue(services.d1, key, now);
    if (stored) {
      isolateMemo.set(key, { openId: stored.value, until: Math.min(stored.expiresAt, now + KEEP_MS) });
      return stored.value;
    }
    const openId = await services.feishu().botOpenId();
    if (!openId) throw new Error("bot/v3/info named no open_id");
    await storeValue(services.d1, key, openId, now + KEEP_MS);
    isolateMemo.set(key, { openId, until: now + KEEP_MS });
    return openId;
  } catch (error) {
    logger.error({ ref: services.ref, outcome: "bot_identity_unknown" }, error);
    isolateMemo.set(key, { openId: null, until: now + RETRY_AFTER_FAILURE_MS });
    return null;
  }
}
