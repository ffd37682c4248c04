/** Offices (督导室): scope refusals, roster review and the import log. */
export const offices = {
  outOfScope: (names: string) => `以下学校不属于您所在督导室的管辖范围，未下发任何文书：${names}`,
  orderOutOfScope: (number: string) => `${number} 不属于您所在督导室的管辖范围。`,
  personOutOfScope: (code: string) => `${code} 不属于您所在督导室的管辖范围。`,
  zoneOutOfScope: (code: string) => `责任区 ${code} 不属于您所在督导室的管辖范围。`,
  planSendTopOnly: (office: string) => `排班发送面向全市，请由${office}的管理员发送。您可以用「排班」预览本督导室的安排。`,
  onlyAdmins: (admins: string) => `只有系统管理员可以导入名册。${admins ? `请联系：${admins}。` : ""}`,
  onlyTopAdmins: (file: string) => `${file} 只能由顶级督导室的系统管理员导入。`,
  rowOutOfScope: "不属于您所在督导室的管辖范围",
  lastTopAdmin: (names: string) => `导入后顶级督导室将没有系统管理员（${names}），未导入任何数据。请保留至少一名顶级督导室的系统管理员。`,
  deactivateTitle: (count: number) => `确认停用 ${count} 人`,
  deactivateIntro: (file: string, count: number) => `${file} 中没有以下 ${count} 人。其余变更已导入；确认后他们将被停用（历史记录保留，之后的导入可以重新启用）：`,
  deactivateLine: (name: string, code: string, role: string, orders: number, visits: number) =>
    `- ${name}（${code}，${role}）${orders || visits ? `：未结文书 ${orders} 件，计划督导 ${visits} 次` : ""}`,
  deactivateMore: (count: number) => `……另有 ${count} 人。`,
  deactivateConfirm: "确认停用",
  deactivateCancel: "暂不停用",
  deactivated: (count: number) => `已停用 ${count} 人。`,
  deactivateDiscarded: "已保留这些人员，未停用任何人。",
  deactivateGone: "这次导入已经处理过了。",
  roles: { supervisor: "责任督学", manager: "管理员", school_contact: "学校联系人", admin: "系统管理员" } as Record<string, string>,
  logLine: "`名册记录` / `roster log` — 查看名册导入记录（系统管理员）",
  logTitle: "名册导入记录",
  logEmpty: "还没有名册导入记录。",
  logRow: (at: string, who: string, file: string, hash: string, added: number, updated: number, deactivated: number, status: string) =>
    `- ${at} · ${who} · ${file}（${hash}）· 新增 ${added} · 更新 ${updated} · 停用 ${deactivated}${status ? ` · ${status}` : ""}`,
  logStatuses: { done: "", pending: "待确认停用", confirmed: "已确认停用", discarded: "未停用" } as Record<string, string>,
  scopeWhat: { zone: "责任区", school: "学校", person: "人员" } as Record<string, string>,
  rowOwnedElsewhere: (what: string, code: string, owner: string, importer: string) => `${what} ${code} 属于〈${owner}〉，不能由〈${importer}〉修改`,
  rowMoveNotTop: (what: string, code: string, from: string, to: string, top: string) =>
    `${what} ${code} 将从〈${from}〉调到〈${to}〉：督导室之间的调动只能由〈${top}〉的系统管理员导入`,
  deactivateOutOfScope: (names: string) => `${names} 不属于您所在督导室的管辖范围，未停用任何人。`,
};
