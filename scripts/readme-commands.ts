import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cardActions, policyOfAction } from "../src/actions/index.ts";
import { commands, policyOf } from "../src/commands/index.ts";
import type { Policy, Reach } from "../src/domain/policy.ts";
import { CALENDAR_FILE_POLICY } from "../src/events/roster-file.ts";
import { messages } from "../src/i18n/index.ts";
import { ROOT } from "./lib/wrangler-d1.ts";

/**
 * Regenerates the README's command table and its "who may do what, where" table from the command and card action
 * registries (their declared policies, domain/policy.ts): `node scripts/readme-commands.ts`.
 */
const zh = messages("zh");
const en = messages("en");
const who = (roles: Policy["roles"]) =>
  roles === "everyone" ? "所有人 everyone" : roles.map((role) => zh.common.roles[role]).join("、");
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const REACH: Record<Reach, string> = {
  scope: "本督导室及下级 own office and below",
  top: "仅市级督导室 top (city) office only",
  any: "",
};
const scoped = (policy: Policy) => REACH[policy.reach] + (policy.changes ? `${policy.reach === "any" ? "" : "; "}修改 changes: ${REACH[policy.changes.reach]}` : "");
const rows = commands.map((command) => `| ${cell(command.help(zh))} | ${cell(command.help(en))} | ${who(policyOf(command).roles)} | ${scoped(policyOf(command))} |`);
const table = ["| 中文 | English | who may use it | managers' scope |", "|---|---|---|---|", ...rows].join("\n");

const ACTS: Record<Policy["acts"], string> = {
  school: "a school 学校",
  zone: "a zone 责任区",
  order: "an order 督导文书",
  report: "a visit report 督导报告",
  person: "a person 人员",
  office: "the office's own data 本督导室",
  setting: "a city-wide setting 全市设置",
  self: "oneself / nothing 本人",
};
const policyRow = (kind: string, name: string, policy: Policy) => `| ${kind} | \`${name}\` | ${ACTS[policy.acts]} | ${who(policy.roles)} | ${scoped(policy) || "—"} |`;
const policyTable = [
  "| kind | name | acts on | who may use it | managers' and admins' reach |",
  "|---|---|---|---|---|",
  ...commands.map((command) => policyRow("command", command.name, policyOf(command))),
  ...cardActions.map((action) => policyRow("card action", action.name, policyOfAction(action))),
  policyRow("file", "calendar.csv", CALENDAR_FILE_POLICY),
].join("\n");

const readme = join(ROOT, "README.md");
const text = readFileSync(readme, "utf8");
writeFileSync(
  readme,
  text
    .replace(/<!-- commands:start -->[\s\S]*?<!-- commands:end -->/, `<!-- commands:start -->\n${table}\n<!-- commands:end -->`)
    .replace(/<!-- policy:start -->[\s\S]*?<!-- policy:end -->/, `<!-- policy:start -->\n${policyTable}\n<!-- policy:end -->`),
);
console.log(table);
console.log(policyTable);
