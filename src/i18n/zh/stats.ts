/** `统计` / `stats`: the office's figures for a period, the workbook, and the roster template. Chinese is the reference. */
const rate = (r: number | null) => (r === null ? "—" : `${r}%`);

export const stats = {
  line: "`统计 [期间] [责任区] [导出]` / `stats` — 学期、年度、月份或日期范围的督导统计（默认本学期）；加「导出」发送 Excel 文件",
  usage:
    "用法：统计 [期间] [责任区编号] [导出]。期间可写 2026（年度）、2026秋 / 2026春（学期，按校历）、2026-11（月份）或 2026-09-01~2026-12-31；不写则为本学期。",
  badArg: (text: string) => `无法识别「${text}」。`,
  badDate: "日期无效，请写成 2026-09-01~2026-12-31。",
  reversed: "开始日期晚于结束日期。",
  tooLong: "一次最多统计一年（366 天）。",
  noTerm: (label: string) => `校历中没有「${label}」学期。请先用「校历 添加 学期 …」登记学期，或改用年份、月份、日期范围。`,
  notStarted: (from: string) => `该期间（${from} 起）还没有开始，没有可统计的周。`,
  unknownZone: (code: string) => `没有编号为「${code}」的责任区。`,
  directOnly: "统计只在与督学助手的单聊中发送，请在单聊中使用「统计」。",
  seasons: { autumn: "秋季学期", spring: "春季学期" },
  periodName: {
    year: (year: number) => `${year}年`,
    term: (year: number, season: string) => `${year}年${season}`,
    month: (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`,
    range: (from: string, to: string) => `${from} 至 ${to}`,
  },
  title: (period: string, scope: string) => `督导统计 · ${period}${scope ? ` · ${scope}` : ""}`,
  allScope: "",
  subtitle: (from: string, to: string, weeks: number, firstWeek: string, lastWeek: string, ongoing: boolean, asOf: string) =>
    `${from} 至 ${to} · 共 ${weeks} 周（${firstWeek}–${lastWeek}，按周报口径）${ongoing ? ` · 截至 ${asOf}` : ""}`,
  empty: "该期间没有督导任务、督导报告、发现问题或督导文书。",

  visitsHeading: "**督导走访**",
  visitsLine: (v: { planned: number; reported: number; missed: number; pending: number; carried: number; onTime: number }, r: number | null, onTime: number | null) =>
    `计划 ${v.planned} 次 · 已完成 ${v.reported} 次（完成率 ${rate(r)}）· 按时 ${v.onTime} 次（${rate(onTime)}）· 未完成 ${v.missed} 次${v.pending ? ` · 本周待完成 ${v.pending} 次` : ""} · 顺延 ${v.carried} 次`,
  levelLine: (level: string, v: { planned: number; reported: number; missed: number }, r: number | null) => `${level}责任区：计划 ${v.planned} · 已完成 ${v.reported}（${rate(r)}）· 未完成 ${v.missed}`,
  kindsLine: (total: number, list: string, unplanned: number) => `督导报告 ${total} 份：${list}；其中计划外 ${unplanned} 份`,
  kindCount: (kind: string, n: number) => `${kind} ${n}`,
  coverageLine: (covered: number, schools: number, r: number | null, months: number) =>
    months > 0 ? `每月至少督导一次的学校：${covered} / ${schools} 所（${rate(r)}，${months} 个有上课日的月份）` : `每月督导覆盖：该期间没有上课日的月份，不统计。`,
  supervisorsHeading: (shown: number, total: number) => `**完成率最低的督学**（${shown} / ${total} 位有安排）`,
  supervisorLine: (name: string, code: string, reported: number, planned: number, r: number | null) => `${name}（${code}）${reported}/${planned}（${rate(r)}）`,
  more: (count: number, unit: string) => `……另有 ${count} ${unit}`,
  units: { people: "位督学", zones: "个责任区", items: "项" },

  zonesHeading: (count: number) => `**各责任区**（${count} 个）`,
  columns: { zone: "责任区", level: "级别", planned: "计划", reported: "完成", missed: "未完成", rate: "完成率", coverage: "月覆盖率" },
  chartTitle: "各责任区完成情况",
  chartTitleByLevel: "市级 / 区县级责任区完成情况",
  series: { reported: "已完成", missed: "未完成", pending: "本周待完成" },
  problemsChartTitle: "问题按项目",
  severities: { serious: "严重", general: "一般", minor: "轻微" },

  problemsHeading: "**发现问题**",
  problemsLine: (p: { total: number; serious: number; general: number; minor: number }) => `共 ${p.total} 个（严重 ${p.serious} · 一般 ${p.general} · 轻微 ${p.minor}）`,
  rectificationLine: (p: { fixedOnSpot: number; rectified: number; rectifiedOnTime: number; open: number; overdue: number }) =>
    `即知即改 ${p.fixedOnSpot} · 限期整改已销号 ${p.rectified}（按期 ${p.rectifiedOnTime}）· 尚未整改 ${p.open} · 其中逾期 ${p.overdue}`,
  byItem: (list: string) => `按项目：${list}`,
  itemCount: (item: string, n: number) => `${item}（${n}）`,
  itemSeparator: "；",

  documentsHeading: "**督导文书**",
  documentsLine: (d: { issued: number; acknowledged: number; closed: number; closedOnTime: number; extended: number; escalated: number; open: number; overdue: number }) =>
    `下发 ${d.issued} 件 · 已签收 ${d.acknowledged} · 销号 ${d.closed}（按期 ${d.closedOnTime}）· 延期 ${d.extended} · 未结 ${d.open}（逾期 ${d.overdue}，逾期超过14天 ${d.escalated}）`,
  byKind: (list: string) => `按类型下发：${list}`,

  footer: "发送「统计 … 导出」获取 Excel 表格（各责任区、问题、文书、督学）；「周报 2026-W48」查看某一周。",

  // the export
  exportSent: (period: string) => `已生成 ${period} 督导统计表，文件随后发送。`,
  fileName: (period: string) => `督导统计_${period}.xlsx`,
  sheets: { zones: "各责任区", problems: "问题按项目和严重程度", documents: "文书按类型和状态", supervisors: "督学" },
  headers: {
    zones: ["责任区编号", "责任区", "级别", "计划", "已完成", "按时完成", "未完成", "本周待完成", "顺延", "完成率(%)", "学校数", "每月覆盖学校", "月覆盖率(%)"],
    problems: ["项目", "专项", "严重程度", "问题数", "即知即改", "已整改销号", "按期整改", "尚未整改", "逾期"],
    documents: ["类型", "下发", "已签收", "销号", "按期销号", "延期", "未结", "逾期", "逾期超过14天"],
    supervisors: ["督学编号", "督学", "责任区编号", "计划", "已完成", "按时完成", "未完成", "完成率(%)"],
  },
  totalRow: "合计",

  // the header's subtitle is one line on a phone: the dates there, the weeks in the body (issue 25)
  subtitleShort: (from: string, to: string) => `${from} 至 ${to}`,
};
