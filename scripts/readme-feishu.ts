import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { feishuSetupMarkdown } from "../src/feishu/scopes.ts";
import { ROOT } from "./lib/wrangler-d1.ts";

/**
 * Regenerates the README's scopes and subscriptions (the setup's step 3) from src/feishu/scopes.ts:
 * `npx node scripts/readme-feishu.ts`. test/unit/feishu-scopes.test.ts fails while the README differs.
 */
const readme = join(ROOT, "README.md");
const block = feishuSetupMarkdown();
const text = readFileSync(readme, "utf8");
if (!/<!-- feishu-setup:start -->[\s\S]*?<!-- feishu-setup:end -->/.test(text)) throw new Error("README.md has no <!-- feishu-setup:start --> … <!-- feishu-setup:end --> block");
writeFileSync(readme, text.replace(/<!-- feishu-setup:start -->[\s\S]*?<!-- feishu-setup:end -->/, `<!-- feishu-setup:start -->\n${block}\n<!-- feishu-setup:end -->`));
console.log(block);
