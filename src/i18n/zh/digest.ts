/** Weekly digest: the office card, zone cards, personal lines, the `周报` command. Chinese is the reference. */
export const digest = {
  officeTitle: (week: string, range: string) => `督导周报 · ${week}（${range}）`,
  zoneTitle: (zone: string, week: string, range: string) => `${zone} · 督导周报 · ${week}（${range}）`,
  range: (from: string, to: string) => `${Number(from.slice(5, 7))}月${Number(from.slice(8, 10))}日–${Number(to.slice(5, 7))}月${Number(to.slice(8, 10))}日`,
  emptyWeek: "本周没有督导任务、发现问题或督导文书（假期、尚未排班或新名册）。",

  visitsHeading: "**督导完成情况**",
  visitsLine: (c: { planned: number; reported: number; missed: number; carried: number }, rate: string) =>
    `计划 ${c.planned} 次 · 已报告 ${c.reported} 次（完成率 ${rate}）· 未完成 ${c.missed} 次 · 顺延 ${c.carried} 次`,
  levelLine: (level: string, c: { planned: number; reported: number; missed: number; carried: number }, rate: string) =>
    `${level}责任区：计划 ${c.planned} · 已报告 ${c.reported}（${rate}）· 未完成 ${c.missed} · 顺延 ${c.carried}`,
  noVisits: "本周没有督导安排。",
  rateNone: "—",
  rate: (rate: number) => `${rate}%`,
  chartTitle: "各责任区完成情况",
  chartTitleByLevel: "市级 / 区县级责任区完成情况",
  series: { reported: "已报告", missed: "未完成", carried: "顺延" },
  zonesHeading: (shown: number, total: number) => (shown < total ? `**完成情况最差的 ${shown} 个责任区**（共 ${total} 个有安排）` : `**各责任区**（${total} 个）`),
  columns: { zone: "责任区", level: "级别", planned: "计划", reported: "已报告", missed: "未完成", carried: "顺延", rate: "完成率" },
  more: (count: number, unit: string) => `……另有 ${count} ${unit}`,
  units: { zones: "个责任区", problems: "个严重问题", orders: "件", schools: "所学校", people: "位督学" },

  officesHeading: (count: number) => `**各区县督导室**（${count} 个）`,
  officeLine: (name: string, planned: number, reported: number, rate: string, problems: number, overdue: number) =>
    `- ${name}：计划 ${planned} · 已报告 ${reported}（${rate}）· 问题 ${problems} 个 · 逾期文书 ${overdue} 件`,
  seriousHeading: (count: number) => `**严重问题**（${count} 个）`,
  seriousLine: (school: string, item: string, text: string) => `- ${school} · ${item} · ${text}`,
  problemsHeading: (c: { total: number; serious: number; general: number; minor: number }) =>
    `**发现问题** 共 ${c.total} 个（严重 ${c.serious} · 一般 ${c.general} · 轻微 ${c.minor}）`,
  byItem: (list: string) => `按常规项目：${list}`,
  byTopic: (list: string) => `按专项：${list}`,
  itemCount: (item: string, n: number) => `${item}（${n}）`,
  itemSeparator: "；",
  itemTopic: "专项督导内容",
  itemOther: "其他",
  noProblems: "**发现问题** 本周没有发现问题。",

  ordersHeading: "**督导文书**",
  ordersLine: (o: { issued: number; closed: number; open: number; overdue: number; escalation: number }) =>
    `本周下发 ${o.issued} 件 · 本周销号 ${o.closed} 件 · 未结 ${o.open} 件 · 逾期 ${o.overdue} 件 · 逾期超过14天 ${o.escalation} 件`,
  escalationHeading: "逾期超过14天（建议约谈 / 通报）：",
  escalationLine: (number: string, school: string, days: number) => `- ${number} · ${school} · 逾期 ${days} 天`,

  unvisitedHeading: (month: string, count: number) => `**${month}尚未督导的学校**（${count} 所）`,
  unvisitedNone: (month: string) => `**${month}尚未督导的学校** 无`,
  monthName: (month: string) => `${Number(month.slice(5, 7))}月`,
  missesHeading: (month: string, count: number) => `**${month}未完成 2 次及以上的督学**（${count} 位）`,
  missLine: (name: string, code: string, missed: number) => `${name}（${code}）${missed} 次`,
  missesNone: (month: string) => `**${month}未完成 2 次及以上的督学** 无`,
  breakMonth: (month: string) => `${month}至今没有上课日，不统计未督导学校和未完成督学。`,
  listSeparator: "、",

  zoneButton: (zone: string) => `${zone} 明细`,
  zoneSent: "已私信发送该责任区的周报。",
  managersOnly: "只有管理员可以查看责任区周报。",
  officeFooter: (week: string) => `明细：发送「周报 ${week} 责任区编号」查看某个责任区；「督办单 逾期」查看逾期文书。`,
  zoneFooter: "如有疑问请联系督导室。",

  personal: (week: string, name: string, done: number, missed: number, waiting: number) =>
    `${name}，${week} 督导小结：完成 ${done} 次，未完成 ${missed} 次；待您处理的督导文书 ${waiting} 件${waiting ? "（发送「督办单」查看）" : ""}。`,

  // command
  digestLine: "`周报 [周] [责任区]` / `digest` — 查看某个已结束周的督导周报（仅发给您，不发到群里）",
  badArg: (text: string) => `无法识别「${text}」。用法：周报 [周] [责任区编号]，例如「周报 上周」「周报 2026-W48 Z01」。`,
  notOver: (week: string) => `${week} 还没有结束，周报在下周一发布。请查看已结束的周，例如「周报 上周」。`,
  unknownZone: (code: string) => `没有编号为「${code}」的责任区。`,
};
