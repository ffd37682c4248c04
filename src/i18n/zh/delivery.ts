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
  retryHint: "「发送失败」的消息已多次重试仍未成功（或被飞书拒绝）。确认问题已解决后，可点击下方按钮重新发送。",
  retried: (count: number) => `已重新排队 ${count} 条消息，稍后发送。`,
  nothingToRetry: "没有需要重发的消息（可能已被其他管理员重发）。",
  retryRefused: "只有管理员可以重发消息。",
};
