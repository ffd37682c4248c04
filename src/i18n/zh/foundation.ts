/** help / whoami and the command names' descriptions. */
export const foundation = {
  helpTitle: "督学助手 · 命令",
  helpIntro: (name: string, role: string) => `${name}（${role}），您可以使用这些命令（可加或不加「/」，中英文均可）：`,
  helpFooter: "系统管理员可在单聊中直接发送 offices.csv（可选）、zones.csv、people.csv、schools.csv（按此顺序），或一个 Excel 名册（每个表一个工作表，「名册模板」可获取），导入名册。",
  helpLine: "`帮助` / `help` — 查看可用命令",
  whoamiLine: "`我是谁` / `whoami` — 查看我的身份、责任区和学校",
  whoamiTitle: "我的信息",
  whoami: (fields: { name: string; code: string; role: string; zone: string; schools: string }) =>
    `**姓名**：${fields.name}（${fields.code}）\n**角色**：${fields.role}\n**责任区**：${fields.zone}\n**学校**：${fields.schools}`,
  whoamiBootstrap: "您是通过 ADMIN_OPEN_IDS 配置的系统管理员，尚未出现在名册中。请发送 zones.csv、people.csv、schools.csv 导入名册。",
  schoolCount: (count: number) => `（共 ${count} 所）`,
  // the bot menu, the welcome and whoami's office (issue 25)
  whoamiOffice: (office: string) => `\n**所属督导室**：${office}`,
  welcomeTitle: "欢迎使用督学助手",
  welcomeWho: (name: string, role: string, place: string) => `${name}，您是${role}${place ? `（${place}）` : ""}。`,
  welcomeMenu: "点击输入框下方的菜单，或直接发送命令（如「帮助」）。",
  welcomeDo: {
    supervisor: "- 每周一收到本周的督导安排（「本周」）\n- 督导后填报（「填报」），可附照片\n- 查看与办理督导文书（「文书」）",
    manager: "- 下发督办单、通知和整改通知书（「督办」）\n- 查看督导统计与周报（「统计」「周报」）\n- 把督导室的群设为周报群（在群里 @我「绑定周报群」）",
    school_contact: "- 签收督导文书，按期报告整改（「文书」）\n- 查看本校的督导记录（「学校」）",
    admin: "- 导入名册：发送 offices.csv、zones.csv、people.csv、schools.csv 或 Excel 名册（「名册模板」）\n- 查看名册记录（「名册记录」）\n- 下发文书、查看统计与周报",
  } as Record<string, string>,
  strangerWelcome: (openId: string) => `您好！您还不在督学助手的名册中。请把下面这个 ID 发给督导室的管理员，请他们把您加入名册：${openId}`,
};
