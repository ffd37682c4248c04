/** `统计` / `stats`: the office's figures for a period, the workbook, and the roster template. Chinese is the reference. */
const rate = (r: number | null) => (r === null ? "—" : `${r}%`);

export const stats = {
  line: "`统计 [期间] [责任区] [导出]` / `stats` — 学期、年度、月份或日期范围的督导统计（默认本学期）；加「导出」发送 Excel 文件；加「报告」发送 Word 工作报告（公文格式）",
  usage:
    "用法：统计 [期间] [责任区编号] [导出|报告]。期间可写 2026（年度）、2026秋 / 2026春（学期，按校历）、2026-11（月份）或 2026-09-01~2026-12-31；不写则为本学期。",
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
  // the work report as a Word document (issue 26): `统计 <期间> 报告`
  report: {
    words: ["报告", "工作报告", "report"],
    sent: (period: string) => `已生成 ${period} 督导工作报告，文件随后私信发送。`,
    tooLarge: "工作报告超过 1.5 MB，无法发送；请缩短期间或指定责任区。",
    title: (office: string, period: string) => `${office}${period}责任督学挂牌督导工作报告`,
    subtitle: (from: string, to: string) => `（${from}至${to}）`,
    basics: "一、基本情况",
    basicsLine: (f: { offices: number; city: number; district: number; supervisors: number; schools: number }) =>
      `${f.offices ? `本级及所辖督导室 ${f.offices} 个；` : ""}责任区 ${f.city + f.district} 个（市级 ${f.city} 个、区县级 ${f.district} 个）；有督导安排的责任督学 ${f.supervisors} 名；挂牌学校 ${f.schools} 所。`,
    visits: "二、督导开展情况",
    problems: "三、发现问题及整改",
    documents: "四、督导文书",
    topics: "五、专项督导",
    topicLine: (topic: string, n: number, rectified: number, open: number) => `${topic}：发现问题 ${n} 个，已整改销号 ${rectified} 个，尚未整改 ${open} 个。`,
    noTopics: "本期间没有专项督导发现的问题。",
    offices: "七、各区县督导室",
    officesHeader: ["督导室", "计划", "已完成", "完成率", "未完成", "发现问题", "尚未整改", "文书下发", "文书逾期"],
    next: (hasOffices: boolean): string => (hasOffices ? "八、存在的不足和下一步" : "七、存在的不足和下一步"),
    missedLine: (missed: number, planned: number) => `（一）督导计划落实：${missed} 次计划督导未完成（共计划 ${planned} 次），下一步将对未完成的责任区和督学跟踪督促。`,
    overdueLine: (overdue: number, escalated: number) => `（二）文书办理：${overdue} 件督导文书逾期未销号，其中逾期超过14天 ${escalated} 件，下一步将约谈或通报。`,
    openProblemsLine: (open: number, overdue: number) => `（三）问题整改：${open} 个问题尚未整改，其中逾期 ${overdue} 个，下一步将跟踪复查直至销号。`,
    zonesHeader: ["责任区", "级别", "计划", "已完成", "未完成", "完成率", "学校数", "月覆盖率"],
    itemsHeader: ["项目", "问题数", "严重", "一般", "轻微", "已整改销号", "尚未整改", "逾期"],
    documentsHeader: ["类型", "下发", "已签收", "销号", "按期销号", "延期", "未结", "逾期"],
    rate: (r: number | null) => (r === null ? "—" : `${r}%`),
    fileName: (label: string) => `督导工作报告_${label}.docx`,
    goodPractice: "六、典型经验",
    goodPracticeLine: (school: string, date: string, text: string) => `${school}（${date}）：“${text}”`,
    noGoodPractice: "本期间的督导报告没有记录典型经验。",
  },
};
