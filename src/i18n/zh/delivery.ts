/** `发送状态` / `outbox`: delivery status for managers, and its retry button. */
export const delivery = {
  outboxLine: "`发送状态` / `outbox` — 查看消息发送情况（各状态数量、最近的错误），重发失败的消息（管理员）",
  title: "消息发送状态",
  states: { pending: "待发送", sending: "发送中", sent: "已发送", failed: "等待重试", dead: "发送失败" },
  counts: (parts: string) => `**各状态数量**：${parts}`,
  nothingYet: "还没有任何消息。",
  lastErrors: "**最近的错误**",
  errorLine: (fields: { state: string; ref: string; attempts: number; at: string; error: string }) =>
    `- ${fields.state}｜${fields.ref}｜第 ${fields.attempts} 次｜${fields.at}\n  ${fields.error}`,
  noErrors: "最近没有发送错误。",
  retryButton: (count: number) => `重发 ${count} 条失败的消息`,
  retryHint: "「发送失败」的消息在有效期内（回复 2 小时，其他消息 24 小时）一直未能送达，或被飞书拒绝。确认问题已解决后，可点击下方按钮重新发送。",
  retried: (count: number) => `已重新排队 ${count} 条消息，稍后发送。`,
  nothingToRetry: "没有需要重发的消息（可能已被其他管理员重发）。",
  retryRefused: "只有管理员可以重发消息。",
  retriedUnsure: (count: number, unsure: number) =>
    `已重新排队 ${count} 条消息。注意：其中 ${unsure} 条此前可能已经送达（飞书未确认），重发后收件人可能收到两次。`,
  alertTitle: (count: number) => `有 ${count} 条消息未能送达`,
  alertIntro: "以下消息已停止发送：",
  alertUnavailable: (count: number, names: string) =>
    `- **${count} 条：收件人不在应用的可用范围内**（飞书错误 230013，已离职的人员也会如此）：${names}\n  请在飞书开发者后台「应用发布 → 可用范围」中加入他们，创建并发布新版本，然后点击下方按钮重发。`,
  alertMoreNames: (names: string, more: number) => `${names} 等 ${more} 人`,
  alertExpired: (count: number) => `- **${count} 条：飞书长时间无法送达**，已过有效期（回复 2 小时，其他消息 24 小时），不再自动发送。`,
  alertUnsure: (count: number) =>
    `- **${count} 条：可能已经送达，但飞书没有确认**；飞书的防重复期（1 小时）已过，为免重复不再自动发送。重发前请先向收件人确认是否已收到。`,
  alertRejected: (count: number, sample: string) => `- **${count} 条：被飞书拒绝**（例如：${sample}）。`,
  alertFooter: "发送「发送状态」可查看详情。每个督导室每小时最多提醒一次。",
};
