/** Weekly plan, calendar, leave, moves, special topics. Chinese is the reference; en/planning.ts mirrors it. */
export const planning = {
  reasons: { routine: "常规督导", follow_up: "跟踪督导", special_topic: "专项督导", carried_over: "顺延督导" } as Record<string, string>,
  statuses: { planned: "待督导", reported: "已提交报告", missed: "未完成", moved: "已调整", cancelled: "已取消" } as Record<string, string>,
  kinds: { term: "学期", break: "假期", holiday: "节假日", workday: "调休上课" } as Record<string, string>,

  shortDate: (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`,
  // weekly card
  cardTitle: (week: string, range: string) => `本周督导安排 · ${week}（${range}）`,
  cardIntro: (name: string, count: number) => `${name}，您本周有 ${count} 所学校的督导任务。督导后请点击「填写报告」。`,
  cardSchool: (f: { name: string; code: string; address: string; reason: string; topic: string | null; status: string; substitute: string | null }) =>
    `**${f.name}**（${f.code}）\n地址：${f.address || "—"}\n事由：${f.reason}${f.topic ? `　专项：${f.topic}` : ""}${f.substitute ? `　（代 ${f.substitute} 督导）` : ""}\n状态：${f.status}`,
  reportButton: "填写报告",
  cardFooter: "如需调整，请发送「调整 学校 周 原因」；请假请发送「请假 开始日期 结束日期 原因」。",

  // week
  weekLine: "`本周` / `week` — 查看我本周的督导任务和状态（管理员可加督学编号）",
  weekTitle: (week: string, range: string) => `我的本周督导 · ${week}（${range}）`,
  weekTitleOf: (name: string, week: string, range: string) => `${name} 的本周督导 · ${week}（${range}）`,
  weekItem: (name: string, code: string, reason: string, topic: string | null, status: string) =>
    `- **${name}**（${code}）· ${reason}${topic ? ` · 专项：${topic}` : ""} · ${status}`,
  weekNone: "本周没有安排您的督导任务。",
  weekNotPlanned: "本周的督导安排尚未生成（每周一 08:00 发送）。",
  weekNoSchoolDays: "本周不是上课周（假期或节假日），没有督导任务。",
  noSchools: "您名下没有挂牌学校，因此没有督导安排。如有疑问请联系管理员。",
  personNoSchools: (code: string) => `${code} 名下没有挂牌学校，没有督导安排。`,
  unknownPerson: (code: string) => `名册中没有编号为「${code}」的在岗人员。`,
  notSupervisor: (code: string) => `「${code}」不是责任督学。`,

  // plan
  planLine: "`排班 [周] [责任区]` / `plan` — 预览某周督导安排（不发送）；`排班 发送 [周]` / `plan send` — 发送或重新发送",
  badWeek: (text: string) => `无法识别周次「${text}」。请写成 2026-W49、49、本周、下周，或该周内的某个日期。`,
  noSchoolDaysWeek: (week: string) => `${week} 不在上课时间内（假期、节假日或学期外），没有督导安排，未做任何更改。`,
  pastWeek: (week: string) => `${week} 已经过去，不能再发送或调整。`,
  previewTitle: (week: string, range: string) => `督导安排预览 · ${week}（${range}）`,
  previewSummary: (visits: number, supervisors: number, carried: number, sent: boolean) =>
    `共 ${visits} 次督导，涉及 ${supervisors} 位督学；顺延 ${carried} 次。${sent ? "该周的安排已发送过。" : "尚未发送。"}`,
  previewZone: (name: string, code: string, visits: number) => `**${name}**（${code}）· ${visits} 次`,
  previewSupervisor: (name: string, code: string, schools: string) => `- ${name}（${code}）：${schools}`,
  previewCarried: (schools: string) => `顺延到下一上课周：${schools}`,
  previewTooBig: "安排较多，只列出各责任区的次数。发送「排班 周 责任区编号」查看某个责任区的明细。",
  previewMoreZones: (count: number) => `……另有 ${count} 个责任区`,
  previewFooter: (week: string) => `确认无误后发送「排班 发送 ${week}」。`,
  unknownZone: (code: string) => `没有编号为「${code}」的责任区。`,
  sent: (week: string, cards: number, visits: number, carried: number, noOpenId: number) =>
    `已发送 ${week} 的督导安排：${cards} 张卡片，${visits} 次督导，顺延 ${carried} 次。${noOpenId ? `${noOpenId} 位督学尚未绑定飞书账号，未能发送。` : ""}`,
  nothingToSend: (week: string) => `${week} 没有需要发送的督导安排。`,

  // leave
  leaveLine: "`请假 开始日期 结束日期 [原因]` / `leave` — 登记请假（管理员可先写督学编号）",
  leaveUsage: "用法：请假 开始日期 结束日期 [原因]，例如「请假 2026-12-07 2026-12-11 培训」。管理员：请假 S001 2026-12-07 2026-12-11 培训。",
  badDate: (text: string) => `无法识别日期「${text}」。请写成 2026-12-07、12月7日 或 7天。`,
  dateInPast: (date: string) => `${date} 已经过去，不能登记过去的请假。`,
  leaveReversed: "结束日期早于开始日期，请检查。",
  leaveTooLong: "一次请假最多 180 天。",
  leaveOverlap: (from: string, to: string) => `与已登记的请假（${from} 至 ${to}）重叠，未做更改。`,
  reasonTooLong: (max: number) => `原因太长（最多 ${max} 个字）。`,
  leaveSaved: (name: string, from: string, to: string, planned: number) =>
    `已登记 ${name} 的请假：${from} 至 ${to}。整周请假的周不会安排督导，到期学校将由同责任区督学代为督导或顺延。` +
    (planned ? `\n注意：这段时间内已有 ${planned} 次督导安排，可用「调整」改到其他周。` : ""),

  // move
  moveLine: "`调整 学校 周 原因` / `move` — 把一次督导改到另一周",
  moveUsage: "用法：调整 学校 周 原因，例如「调整 实验小学 下周 参加培训」。",
  unknownSchool: (text: string) => `没有找到学校「${text}」。请写学校编号或完整名称。`,
  ambiguousSchool: (text: string, candidates: string) => `「${text}」对应多所学校：${candidates}。请写学校编号。`,
  notYourSchool: (name: string) => `${name} 不是您的挂牌学校，只有它的责任督学或管理员可以调整。`,
  nothingToMove: (name: string) => `${name} 在本周及以后没有待督导的安排。`,
  sameWeek: "目标周与原安排相同。",
  targetTaken: (name: string, week: string) => `${name} 在 ${week} 已有安排，未做更改。`,
  moved: (name: string, from: string, to: string) => `已将 ${name} 的督导从 ${from} 调整到 ${to}。`,
  movedResendHint: "该周安排已发送过，管理员可发送「排班 发送 周」重新发送卡片。",

  // calendar
  calendarLine: "`校历` / `calendar` — 查看校历；`校历 添加 学期|假期|节假日|调休 开始 结束 [名称]`；`校历 删除 编号`；`校历 导入 类型,名称,开始,结束; …`（全市统一：只有市级督导室的管理员可以修改）",
  calendarTitle: "校历",
  calendarEmpty: "尚未设置校历：周一至周五均视为上课日。可发送「校历 添加 学期 2026-09-01 2027-01-22 秋季学期」。",
  calendarItem: (id: number, kind: string, name: string, from: string, to: string) => `- #${id} ${kind} · ${name} · ${from} 至 ${to}`,
  calendarUsage: "用法：校历 添加 学期|假期|节假日|调休 开始日期 结束日期 [名称]；校历 删除 编号；校历 导入 kind,name,start_date,end_date; term,秋季学期,2026-09-01,2027-01-22",
  calendarAdded: (kind: string, name: string, from: string, to: string) => `已添加${kind}「${name}」：${from} 至 ${to}。`,
  calendarDuplicate: "同样的时间段已存在，未做更改。",
  calendarRemoved: (id: number) => `已删除校历条目 #${id}。`,
  calendarNotFound: (id: string) => `没有编号为「${id}」的校历条目。`,
  calendarImported: (count: number) => `已导入 ${count} 条校历。`,
  calendarErrors: {
    badKind: "类型应为 学期、假期、节假日 或 调休",
    badDate: "日期无法识别",
    reversed: "结束日期早于开始日期",
    tooLong: "时间段超过一年",
    nameTooLong: "名称太长",
    badHeader: "第一行应为 kind,name,start_date,end_date",
    tooManyRows: "行数太多（校历最多 500 行）",
  } as Record<string, string>,
  calendarRowError: (line: number, error: string) => `第 ${line} 行：${error}`,
  calendarRejected: (count: number) => `校历有 ${count} 处错误，未导入任何内容：`,

  // topics
  topicsLine: "`专项 月份 主题,主题` / `topics` — 设置某月的专项督导主题（如 专项 2026-12 校园安全）；`专项` 查看（全市统一：只有市级督导室的管理员可以设置）",
  topicsTitle: "专项督导主题",
  topicsEmpty: "尚未设置任何月份的专项主题。",
  topicsItem: (month: string, topics: string) => `- ${month}：${topics}`,
  topicsUsage: "用法：专项 2026-12 校园安全,五项管理；清除：专项 2026-12 无",
  topicsBadMonth: (text: string) => `无法识别月份「${text}」，请写成 2026-12。`,
  topicsTooMany: "每月最多 5 个主题，每个最多 20 个字。",
  topicsSaved: (month: string, topics: string) => `已设置 ${month} 的专项主题：${topics}。`,
  topicsCleared: (month: string) => `已清除 ${month} 的专项主题。`,
  none: "无",
};
