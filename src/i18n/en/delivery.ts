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
  retryHint: "Failed messages could not be delivered while they were still worth sending (2 hours for answers, 24 hours for other messages), or Feishu refused them. Once the cause is fixed, send them again with the button below.",
  retried: (count: number) => `${count} message${count === 1 ? "" : "s"} queued again; they go out shortly.`,
  nothingToRetry: "Nothing to retry (another manager may have retried them already).",
  retryRefused: "Only managers can retry messages.",
  retriedUnsure: (count: number, unsure: number) =>
    `${count} message${count === 1 ? "" : "s"} queued again. Note: ${unsure} of them may already have arrived (Feishu never confirmed), so their recipients may get them twice.`,
  alertTitle: (count: number) => `${count} message${count === 1 ? "" : "s"} could not be delivered`,
  alertIntro: "Delivery of these messages has stopped:",
  alertUnavailable: (count: number, names: string) =>
    `- **${count}: the recipient is outside the app's availability range** (Feishu error 230013; people who have left get it too): ${names}\n  Add them to the app's availability range (可用范围) in the Feishu developer console, create and publish a new version, then retry with the button below.`,
  alertMoreNames: (names: string, more: number) => `${names} and ${more} more`,
  alertExpired: (count: number) => `- **${count}: Feishu could not be reached for too long**; past their time (2 hours for answers, 24 hours for other messages), they are not sent any more.`,
  alertUnsure: (count: number) =>
    `- **${count}: may have arrived, but Feishu never confirmed**; Feishu's one-hour duplicate protection is over, so they are not sent again automatically. Check with the recipients before retrying.`,
  alertRejected: (count: number, sample: string) => `- **${count}: refused by Feishu** (for example: ${sample}).`,
  alertFooter: "Send `outbox` for details. Each office is alerted at most once an hour.",
};
