import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commands } from "../src/commands/index.ts";
import { messages } from "../src/i18n/index.ts";
import { ROOT } from "./lib/wrangler-d1.ts";

/** Regenerates the README's command table from the command registry: `node scripts/readme-commands.ts`. */
const zh = messages("zh");
const en = messages("en");
const who = (roles: readonly string[] | undefined) =>
  roles ? roles.map((role) => zh.common.roles[role as keyof typeof zh.common.roles]).join("、") : "所有人 everyone";
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const scoped = (command: (typeof commands)[number]) => (command.officeScoped ? "本督导室及下级 own office and below" : "");
const rows = commands.map((command) => `| ${cell(command.help(zh))} | ${cell(command.help(en))} | ${who(command.roles)} | ${scoped(command)} |`);
const table = ["| 中文 | English | who may use it | managers' scope |", "|---|---|---|---|", ...rows].join("\n");
const readme = join(ROOT, "README.md");
const text = readFileSync(readme, "utf8");
writeFileSync(readme, text.replace(/<!-- commands:start -->[\s\S]*?<!-- commands:end -->/, `<!-- commands:start -->\n${table}\n<!-- commands:end -->`));
console.log(table);
