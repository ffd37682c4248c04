/** Excel rosters (one workbook with a sheet per file, or separate .xlsx files) and the roster template. */
export const excel = {
  sheetLabel: (book: string, sheet: string) => `${book} 工作表「${sheet}」`,
  sheetRowError: (book: string, sheet: string, row: number, reason: string) => `${book} 工作表「${sheet}」第 ${row} 行：${reason}`,
  rejected: (book: string, count: number) => `❌ ${book} 有 ${count} 处错误，未导入任何工作表。请修改后重新发送：`,
  unreadable: (book: string) => `无法读取「${book}」：不是有效的 Excel（.xlsx）文件。`,
  noRosterSheet: (book: string, sheets: string) =>
    `「${book}」中没有可识别的名册工作表（${sheets}）。工作表应命名为 责任区 / 人员 / 学校（或 zones / people / schools），或把文件命名为 zones.xlsx 等。`,
  skippedSheets: (sheets: string) => `已忽略无法识别的工作表：${sheets}`,
  templateLine: "`名册模板` / `roster template` — 发送名册 Excel 模板（每个表一个工作表，含表头和示例行）",
  templateSent: "名册模板随后发送：每个表一个工作表（责任区、人员、学校），第 2 行是示例，改写后直接发回给我即可导入。",
  templateFileName: "督学名册模板.xlsx",
  templateDirectOnly: "请在与督学助手的单聊中使用「名册模板」。",
  templateUsage: "用法：名册模板（或 roster template）。",
  sheetNames: { offices: "督导室", zones: "责任区", people: "人员", schools: "学校" } as Record<string, string>,
};
