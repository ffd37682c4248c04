import type { DeliveredMessage } from "../test/support/fake-feishu.ts";
import { renderMessageText } from "./lib/render-text.ts";

/**
 * npm run say -- --as <person code> <text…> [--group]
 * Sends a chat message as that person to the bot started by `npm start` and prints its answers.
 */
const argv = process.argv.slice(2);
const asIndex = argv.indexOf("--as");
const who = asIndex >= 0 ? argv[asIndex + 1] : undefined;
const group = argv.includes("--group");
const text = argv.filter((_, i) => i !== asIndex && i !== asIndex + 1 && argv[i] !== "--group").join(" ");
if (!who || !text) {
  console.error("usage: npm run say -- --as <person code> <message>   e.g. npm run say -- --as M001 help");
  process.exit(2);
}
const simUrl = `http://127.0.0.1:${process.env.DUXUE_SIM_PORT ?? 8788}`;
let response: Response;
try {
  response = await fetch(`${simUrl}/api/say`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ as: who, text, chat: group ? "group" : "p2p" }) });
} catch {
  console.error(`The bot is not running: start it with \`npm start\` in another terminal (simulator expected at ${simUrl}).`);
  process.exit(1);
}
const body = (await response.json()) as DeliveredMessage[] | { error: string };
if (!Array.isArray(body)) {
  console.error(body.error);
  process.exit(1);
}
if (body.length === 0) console.log("(no answer)");
for (const message of body) {
  console.log(`── ${message.msgType === "interactive" ? "card" : "text"} → ${message.chatId}`);
  console.log(renderMessageText(message.updates.at(-1) ?? message.content));
}
