import { z } from "zod";
import type { OutboxQueueMessage } from "./delivery/queue-message.ts";

/** The Worker's bindings as wrangler hands them over (vars and secrets are strings). */
export interface Bindings {
  DB: D1Database;
  OUTBOX: Queue<OutboxQueueMessage>;
  /** photo evidence (R2 bucket `duxue-photos`) */
  PHOTOS?: R2Bucket;
  FEISHU_APP_ID?: string;
  FEISHU_APP_SECRET?: string;
  FEISHU_VERIFICATION_TOKEN?: string;
  FEISHU_ENCRYPT_KEY?: string;
  FEISHU_ALLOW_UNENCRYPTED?: string;
  FEISHU_BASE_URL?: string;
  DIGEST_CHAT_ID?: string;
  ADMIN_OPEN_IDS?: string;
  TIMEZONE?: string;
  PHOTO_RETENTION_DAYS?: string;
  COMMANDS_PER_MINUTE?: string;
  VERSION?: string;
  TURNSTILE_SITE_KEY?: string;
  TURNSTILE_SECRET_KEY?: string;
  TURNSTILE_VERIFY_URL?: string;
  PUBLIC_BASE_URL?: string;
}

const required = (name: string) =>
  z
    .string({ error: `${name} is not set (wrangler secret put ${name}, or .dev.vars locally)` })
    .trim()
    .min(1, `${name} is empty`);

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

const configSchema = z.object({
  FEISHU_APP_ID: required("FEISHU_APP_ID"),
  FEISHU_APP_SECRET: required("FEISHU_APP_SECRET"),
  FEISHU_VERIFICATION_TOKEN: required("FEISHU_VERIFICATION_TOKEN"),
  FEISHU_ENCRYPT_KEY: optionalString,
  /** token-only (unsigned, unencrypted) requests; for local experiments only */
  FEISHU_ALLOW_UNENCRYPTED: z
    .string()
    .optional()
    .transform((value) => value?.trim().toLowerCase() === "true"),
  FEISHU_BASE_URL: z
    .url({ error: "FEISHU_BASE_URL must be a URL such as https://open.feishu.cn" })
    .default("https://open.feishu.cn")
    .transform((url) => url.replace(/\/+$/, "")),
  DIGEST_CHAT_ID: optionalString,
  ADMIN_OPEN_IDS: z
    .string()
    .optional()
    .transform((list) =>
      (list ?? "")
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  TIMEZONE: z
    .string()
    .default("Asia/Shanghai")
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, "TIMEZONE is not a known IANA time zone"),
  /** photos older than this are deleted (rows and bytes) by housekeeping */
  PHOTO_RETENTION_DAYS: z.coerce
    .number({ error: "PHOTO_RETENTION_DAYS must be a whole number of days" })
    .int("PHOTO_RETENTION_DAYS must be a whole number of days")
    .min(1, "PHOTO_RETENTION_DAYS must be at least 1")
    .max(36_500, "PHOTO_RETENTION_DAYS must be at most 36500")
    .default(730),
  /** messages one person may send the bot in a minute; the next is told to wait, the rest of that minute is not answered */
  COMMANDS_PER_MINUTE: z.coerce
    .number({ error: "COMMANDS_PER_MINUTE must be a whole number" })
    .int("COMMANDS_PER_MINUTE must be a whole number")
    .min(1, "COMMANDS_PER_MINUTE must be at least 1")
    .max(10_000, "COMMANDS_PER_MINUTE must be at most 10000")
    .default(20),
  VERSION: z.string().default("dev"),
  /** Cloudflare Turnstile on the public feedback form; without both keys the form is not offered */
  TURNSTILE_SITE_KEY: optionalString,
  TURNSTILE_SECRET_KEY: optionalString,
  /** siteverify (tests point it at a local fake) */
  TURNSTILE_VERIFY_URL: z
    .url({ error: "TURNSTILE_VERIFY_URL must be a URL" })
    .default("https://challenges.cloudflare.com/turnstile/v0/siteverify"),
  /** where the Worker is reached from the internet (https://duxue.example.org): the nameplate command prints full links with it */
  PUBLIC_BASE_URL: z
    .url({ error: "PUBLIC_BASE_URL must be a URL such as https://duxue.example.org" })
    .optional()
    .transform((url) => url?.replace(/\/+$/, "")),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * The inbound routes refuse to run token-only unless told so explicitly: without an
 * Encrypt Key nothing but a static token protects them (no signature, no timestamp).
 */
export function assertIngressConfigured(config: Config): void {
  if (!config.FEISHU_ENCRYPT_KEY && !config.FEISHU_ALLOW_UNENCRYPTED) {
    throw new ConfigError(
      "Invalid configuration: FEISHU_ENCRYPT_KEY is not set (wrangler secret put FEISHU_ENCRYPT_KEY; FEISHU_ALLOW_UNENCRYPTED=true allows token-only requests for local experiments only)",
    );
  }
}

const parsed = new WeakMap<object, Config>();

/** Parses the environment once per bindings object; a missing or bad value throws a ConfigError naming it. */
export function loadConfig(env: Bindings): Config {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = configSchema.safeParse({ ...env, FEISHU_BASE_URL: env.FEISHU_BASE_URL || undefined, TIMEZONE: env.TIMEZONE || undefined, PHOTO_RETENTION_DAYS: env.PHOTO_RETENTION_DAYS || undefined, COMMANDS_PER_MINUTE: env.COMMANDS_PER_MINUTE || undefined, TURNSTILE_VERIFY_URL: env.TURNSTILE_VERIFY_URL || undefined, PUBLIC_BASE_URL: env.PUBLIC_BASE_URL || undefined });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => issue.message).join("; ");
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  parsed.set(env, result.data);
  return result.data;
}
