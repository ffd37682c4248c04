/** help / whoami and the command names' descriptions. */
export const foundation = {
  helpTitle: "督学助手 · 命令",
  helpIntro: (name: string, role: string) => `${name}（${role}），您可以使用这些命令（可加或不加「/」，中英文均可）：`,
  helpFooter: "管理员可在单聊中直接发送 zones.csv、people.csv、schools.csv（按此顺序）导入名册。",
  helpLine: "`帮助` / `help` — 查看可用命令",
  whoamiLine: "`我是谁` / `whoami` — 查看我的身份、责任区和学校",
  whoamiTitle: "我的信息",
  whoami: (fields: { name: string; code: string; role: string; zone: string; schools: string }) =>
    `**姓名**：${fields.name}（${fields.code}）\n**角色**：${fields.role}\n**责任区**：${fields.zone}\n**学校**：${fields.schools}`,
  whoamiBootstrap: "您是通过 ADMIN_OPEN_IDS 配置的系统管理员，尚未出现在名册中。请发送 zones.csv、people.csv、schools.csv 导入名册。",
  schoolCount: (count: number) => `（共 ${count} 所）`,
};
