/** `export` / `导出`: Excel (default) or CSV files for managers. */
export const exports = {
  line: "`导出 督办单|报告|任务|反馈 [开始日期] [结束日期] [csv]` / `export` — 导出 Excel 文件（默认本月；末尾加 csv 则为 CSV 文件）",
  usage: "用法：导出 督办单|报告|任务|反馈 [开始日期] [结束日期] [csv]，例如「导出 报告 2026-11-01 2026-11-30」。不写日期则导出本月；默认 Excel 文件，末尾加 csv 则为 CSV。",
  badDate: (text: string) => `无法识别日期「${text}」，请写成 2026-11-01 或 11月1日。`,
  reversed: "开始日期晚于结束日期。",
  tooLong: "一次最多导出一年的数据，请缩小日期范围。",
  tooLarge: (rows: number) => `数据太多（${rows} 行），请缩小日期范围后再导出。`,
  directOnly: "导出文件只在与督学助手的单聊中发送，请在单聊中使用「导出」。",
  sent: (kind: string, rows: number, from: string, to: string) => `已导出${kind} ${rows} 行（${from} 至 ${to}），文件随后发送。`,
  empty: (kind: string, from: string, to: string) => `${from} 至 ${to} 没有${kind}可导出。`,
  kinds: { orders: "督导文书", reports: "督导报告", visits: "督导任务", feedback: "公众反馈" },
  fileNames: { orders: "督导文书", reports: "督导报告", visits: "督导任务", feedback: "公众反馈" },
  headers: {
    orders: ["编号", "类型", "学校编号", "学校", "责任区编号", "责任区", "状态", "下发日期", "整改期限", "销号日期", "下发人", "内容"],
    reports: ["报告编号", "周", "督导日期", "学校编号", "学校", "督学编号", "督学", "督导类型", "版本", "代为填报", "填报人", "问题数", "严重问题数", "督导发现"],
    visits: ["周", "督学编号", "督学", "学校编号", "学校", "责任区编号", "事由", "专项", "状态", "备注"],
    feedback: ["受理编号", "收到日期", "学校编号", "学校", "责任区编号", "类别", "状态", "回复", "转为核查走访", "内容"],
  },
  yes: "是",
  no: "否",
};
