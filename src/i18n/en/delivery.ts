import type { delivery as zh } from "../zh/delivery.ts";

export const delivery: typeof zh = {
  outboxLine: "`outbox` / `发送状态` — delivery status: counts by state, the last errors, retry failed messages (managers)",
  title: "Message delivery",
  states: { pending: "pending", sending: "sending", sent: "sent", failed: "waiting to retry", dead: "failed" },
  counts: (parts: string) => `**By state**: ${parts}`,
  nothingYet: "No messages yet.",
  lastErrors: "**Last errors**",
  errorLine: (fields: { state: string; ref: string; attempts: number; at: string; error: string }) =>
    `- ${fields.state} | ${fields.ref} | attempt ${fields.attempts} | ${fields.at}\n  ${fields.error}`,
  noErrors: "No delivery errors recently.",
  retryButton: (count: number) => `Retry ${count} failed message${count === 1 ? "" : "s"}`,
  retryHint: "Failed messages were retried several times without success (or Feishu refused them). Once the cause is fixed, send them again with the button below.",
  retried: (count: number) => `${count} message${count === 1 ? "" : "s"} queued again; they go out shortly.`,
  nothingToRetry: "Nothing to retry (another manager may have retried them already).",
  retryRefused: "Only managers can retry messages.",
};
