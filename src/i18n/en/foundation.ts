import type { foundation as zh } from "../zh/foundation.ts";

export const foundation: typeof zh = {
  helpTitle: "Duxue · commands",
  helpIntro: (name: string, role: string) => `${name} (${role}), these are your commands (with or without "/", in Chinese or English):`,
  helpFooter: "Managers can import the roster by sending zones.csv, people.csv and schools.csv (in that order) in a direct chat.",
  helpLine: "`help` / `帮助` — list the commands you can use",
  whoamiLine: "`whoami` / `我是谁` — show who I am: role, zone and schools",
  whoamiTitle: "About me",
  whoami: (fields: { name: string; code: string; role: string; zone: string; schools: string }) =>
    `**Name**: ${fields.name} (${fields.code})\n**Role**: ${fields.role}\n**Zone**: ${fields.zone}\n**Schools**: ${fields.schools}`,
  whoamiBootstrap: "You are an administrator configured through ADMIN_OPEN_IDS and not on the roster yet. Send zones.csv, people.csv and schools.csv to import the roster.",
  schoolCount: (count: number) => ` (${count} in all)`,
};
