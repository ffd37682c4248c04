import type { foundation as zh } from "../zh/foundation.ts";

export const foundation: typeof zh = {
  helpTitle: "Duxue · commands",
  helpIntro: (name: string, role: string) => `${name} (${role}), these are your commands (with or without "/", in Chinese or English):`,
  helpFooter: "Administrators import the roster by sending, in a direct chat, offices.csv (optional), zones.csv, people.csv and schools.csv (in that order), or one Excel roster (a sheet per file; \"roster template\" sends one).",
  helpLine: "`help` / `帮助` — list the commands you can use",
  whoamiLine: "`whoami` / `我是谁` — show who I am: role, zone and schools",
  whoamiTitle: "About me",
  whoami: (fields: { name: string; code: string; role: string; zone: string; schools: string }) =>
    `**Name**: ${fields.name} (${fields.code})\n**Role**: ${fields.role}\n**Zone**: ${fields.zone}\n**Schools**: ${fields.schools}`,
  whoamiBootstrap: "You are an administrator configured through ADMIN_OPEN_IDS and not on the roster yet. Send zones.csv, people.csv and schools.csv to import the roster.",
  schoolCount: (count: number) => ` (${count} in all)`,
  // the bot menu, the welcome and whoami's office (issue 25)
  whoamiOffice: (office: string) => `\n**Office**: ${office}`,
  welcomeTitle: "Welcome to Duxue",
  welcomeWho: (name: string, role: string, place: string) => `${name}, you are a ${role}${place ? ` (${place})` : ""}.`,
  welcomeMenu: "Tap the menu under the input box, or send a command (for example \"help\").",
  welcomeDo: {
    supervisor: "- Every Monday: this week's visits (\"week\")\n- After a visit: report it (\"report\"), photos welcome\n- Orders to handle (\"orders\")",
    manager: "- Issue orders, notices and rectifications (\"order\")\n- Statistics and the weekly digest (\"stats\", \"digest\")\n- Make the office's group its digest group (@me \"bind digest\" in it)",
    school_contact: "- Acknowledge orders and report rectification (\"orders\")\n- Your school's supervision file (\"school\")",
    admin: "- Import the roster: send offices.csv, zones.csv, people.csv, schools.csv or an Excel roster (\"roster template\")\n- The import log (\"roster log\")\n- Issue orders, see statistics and the digest",
  } as Record<string, string>,
  strangerWelcome: (openId: string) => `Hello! You are not on Duxue's roster yet. Send this ID to your office's manager and ask them to add you: ${openId}`,
};
