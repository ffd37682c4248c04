/**
 * `npm run doctor [-- --url https://duxue.example.workers.dev] [--env .dev.vars] [--app-id … --app-secret … …]`:
 * checks a deployment against the real Feishu with the real credentials, one line each with a fix,
 * and prints the URLs and names to enter in the developer console. Sends nothing to anyone.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatLine, runDoctor, subscriptionLines } from "./lib/doctor-checks.ts";

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

const vars = readVars(values.env!);
const pick = (flag: string | undefined, name: string) => flag ?? process.env[name] ?? vars[name] ?? "";
const options = {
  appId: pick(values["app-id"], "FEISHU_APP_ID"),
  appSecret: pick(values["app-secret"], "FEISHU_APP_SECRET"),
  verificationToken: pick(values["verification-token"], "FEISHU_VERIFICATION_TOKEN") || undefined,
  encryptKey: pick(values["encrypt-key"], "FEISHU_ENCRYPT_KEY") || undefined,
  baseUrl: pick(values["base-url"], "FEISHU_BASE_URL") || "https://open.feishu.cn",
  digestChatId: pick(values["digest-chat-id"], "DIGEST_CHAT_ID") || undefined,
  workerUrl: values.url,
};
if (!options.appId || !options.appSecret) {
  console.error(`No credentials: put FEISHU_APP_ID and FEISHU_APP_SECRET in ${values.env} (see .dev.vars.example) or pass --app-id and --app-secret.`);
  process.exit(2);
}

const lines = await runDoctor(options);
for (const line of lines) console.log(formatLine(line));
if (!options.workerUrl) console.log("? worker                           not checked: pass --url https://<your-worker>.workers.dev");
console.log("");
for (const line of subscriptionLines(options.workerUrl)) console.log(line);
process.exit(lines.some((line) => line.ok === false) ? 1 : 0);
