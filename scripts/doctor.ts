/**
 * `npm run doctor [-- --url https://duxue.example.workers.dev] [--env .dev.vars] [--app-id … --app-secret … …]
 *   [--probe <mobile|email> [--send-test]] [--roster <people.csv|roster.xlsx|folder>]`:
 * checks a deployment against the real Feishu with the real credentials, one line each with a fix,
 * and prints the URLs and names to enter in the developer console. Sends nothing to anyone, except
 * the one test message `--send-test` asks for.
 * `npm run doctor -- --whois <mobile|email>`: the open_id of that person (for ADMIN_OPEN_IDS);
 * `npm run doctor -- --chats`: the group chats the bot is in, with their chat_ids (for DIGEST_CHAT_ID).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { isWorkbookFile, rosterSheets } from "../src/roster/workbook.ts";
import { botChats, formatLine, rosterProbesFromCsv, runDoctor, subscriptionLines, whois, type RosterProbe } from "./lib/doctor-checks.ts";

const { values } = parseArgs({
  options: {
    env: { type: "string", default: ".dev.vars" },
    url: { type: "string" },
    "app-id": { type: "string" },
    "app-secret": { type: "string" },
    "verification-token": { type: "string" },
    "encrypt-key": { type: "string" },
    "base-url": { type: "string" },
    "digest-chat-id": { type: "string" },
    "admin-open-ids": { type: "string" },
    probe: { type: "string" },
    "send-test": { type: "boolean", default: false },
    roster: { type: "string" },
    whois: { type: "string" },
    chats: { type: "boolean", default: false },
  },
});

/** KEY=VALUE lines of a .dev.vars file (comments and blank lines skipped, optional quotes removed). */
function readVars(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) vars[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, "$2");
  }
  return vars;
}

/**
 * The people of a roster: people.csv (or 人员.csv) of a folder, the CSV file given, or the people sheet
 * (people / 人员) of a workbook given or of the .xlsx files in a folder.
 */
async function readRoster(path: string): Promise<RosterProbe[]> {
  const folder = existsSync(path) && statSync(path).isDirectory();
  const csv = folder ? ["people.csv", "人员.csv"].map((name) => join(path, name)).find((p) => existsSync(p)) : path.toLowerCase().endsWith(".csv") ? path : undefined;
  if (csv && existsSync(csv)) return rosterProbesFromCsv(readFileSync(csv, "utf8"));
  const workbooks = folder ? readdirSync(path).filter((name) => isWorkbookFile(name) && !name.startsWith("~$")).map((name) => join(path, name)) : isWorkbookFile(path) && existsSync(path) ? [path] : [];
  const people: RosterProbe[] = [];
  for (const file of workbooks) {
    const { sheets } = await rosterSheets(readFileSync(file), basename(file));
    for (const sheet of sheets) if (sheet.kind === "people") people.push(...rosterProbesFromCsv(sheet.text));
  }
  if (workbooks.length === 0) {
    console.error(`--roster: ${path} is not a people.csv, a roster workbook (.xlsx) or a folder holding one.`);
    process.exit(2);
  }
  return people;
}

const vars = readVars(values.env!);
const pick = (flag: string | undefined, name: string) => flag ?? process.env[name] ?? vars[name] ?? "";
const options = {
  appId: pick(values["app-id"], "FEISHU_APP_ID"),
  appSecret: pick(values["app-secret"], "FEISHU_APP_SECRET"),
  verificationToken: pick(values["verification-token"], "FEISHU_VERIFICATION_TOKEN") || undefined,
  encryptKey: pick(values["encrypt-key"], "FEISHU_ENCRYPT_KEY") || undefined,
  baseUrl: pick(values["base-url"], "FEISHU_BASE_URL") || "https://open.feishu.cn",
  digestChatId: pick(values["digest-chat-id"], "DIGEST_CHAT_ID") || undefined,
  adminOpenIds: pick(values["admin-open-ids"], "ADMIN_OPEN_IDS")
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean),
  probe: values.probe,
  sendTest: values["send-test"],
  rosterPeople: values.roster ? await readRoster(values.roster) : undefined,
  workerUrl: values.url,
};
if (!options.appId || !options.appSecret) {
  console.error(`No credentials: put FEISHU_APP_ID and FEISHU_APP_SECRET in ${values.env} (see .dev.vars.example) or pass --app-id and --app-secret.`);
  process.exit(2);
}

if (values.whois !== undefined) {
  const line = await whois(options, values.whois);
  console.log(formatLine(line));
  process.exit(line.ok ? 0 : 1);
}

if (values.chats) {
  const chats = await botChats(options);
  for (const line of chats) console.log(formatLine(line));
  process.exit(chats.some((line) => line.ok === false) ? 1 : 0);
}

const lines = await runDoctor(options);
for (const line of lines) console.log(formatLine(line));
if (!options.workerUrl) console.log("? worker                           not checked: pass --url https://<your-worker>.workers.dev");
console.log("");
for (const line of subscriptionLines(options.workerUrl)) console.log(line);
process.exit(lines.some((line) => line.ok === false) ? 1 : 0);
