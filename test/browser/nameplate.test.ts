import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { decode as decodePng } from "fast-png";
import { encode as encodeQr } from "uqr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { FakeTurnstile, TURNSTILE_DUMMY_TOKEN, TURNSTILE_PASSING_SECRET, TURNSTILE_TEST_SITE_KEY } from "../support/fake-turnstile.ts";
import { seedRoster } from "../support/roster.ts";
import { TestWorker } from "../support/worker.ts";

/**
 * The nameplate's loop in a real Chromium: a manager gets a school's QR code in Feishu; the browser opens the
 * code's URL (served by the real Worker in workerd: the page's own CSP and headers apply), a parent sends
 * feedback and sees the reference; the supervisor's card arrives in the fake Feishu; the supervisor's 回复 shows
 * on the page for that reference; 转为核查走访 opens the 补报 form of kind 举报核查.
 *
 * The browser reaches the Worker under the nameplate's public origin (PUBLIC_BASE_URL): Playwright hands each
 * request for it to the Worker (`TestWorker.fetch`). Turnstile's script is not fetched from Cloudflare: a stub
 * does what the widget does with Cloudflare's documented always-pass test sitekey (puts the dummy token
 * XXXX.DUMMY.TOKEN.XXXX in the form's `cf-turnstile-response` field), and the Worker verifies it against the
 * fake siteverify with the always-pass test secret.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CHROMIUM = process.env.DUXUE_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-artifacts");
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[browser test] skipped: no Chromium at ${CHROMIUM} (install the Debian package \`chromium\`, or set DUXUE_CHROMIUM).`);

const BASE = "https://duxue.example.org";
const TURNSTILE_STUB = `document.querySelectorAll(".cf-turnstile").forEach(function (widget) {
  var input = document.createElement("input"); input.type = "hidden"; input.name = "cf-turnstile-response"; input.value = ${JSON.stringify(TURNSTILE_DUMMY_TOKEN)};
  widget.appendChild(input);
});`;

const ROSTER = {
  offices: `code,name,short_name,parent_code,district,digest_chat_id,监督电话
DG,东港区督导室,东港,,东港区,,0633-7654321
`,
  zones: `code,name,level,district,lead_code
Z-A01,东港第一责任区,district,东港区,
`,
  people: `code,name,role,zone_code,school_code,mobile,email,open_id,lang,office_code
M001,东港科长,manager,,,,,ou_m_dg,zh,DG
S001,李督学,supervisor,Z-A01,,13900001111,,ou_sup_a,zh,
`,
  schools: `code,name,zone_code,supervisor_code,stage,ownership,address,visits_per_month
X-A01,东港第一小学,Z-A01,S001,primary,public,东港路1号,1
`,
};

type Playwright = typeof import("playwright-core");
type BrowserContext = import("playwright-core").BrowserContext;
type Page = import("playwright-core").Page;

describe.skipIf(!hasChromium)("the nameplate page in a browser, from the QR code to the supervisor's reply", () => {
  let worker: TestWorker;
  let turnstile: FakeTurnstile;
  let context: BrowserContext;
  let page: Page;
  let profileDir = "";
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];
  let url = "";
  let reference = "";

  beforeAll(async () => {
    turnstile = await new FakeTurnstile().start();
    worker = await TestWorker.start({
      vars: { TURNSTILE_SITE_KEY: TURNSTILE_TEST_SITE_KEY, TURNSTILE_SECRET_KEY: TURNSTILE_PASSING_SECRET, TURNSTILE_VERIFY_URL: turnstile.url, PUBLIC_BASE_URL: BASE },
    });
    const dir = mkdtempSync(join(tmpdir(), "duxue-nameplate-browser-"));
    try {
      for (const [kind, text] of Object.entries(ROSTER)) writeFileSync(join(dir, `${kind}.csv`), text);
      await seedRoster(worker, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const { chromium } = (await import("playwright-core")) as Playwright;
    profileDir = mkdtempSync(join(tmpdir(), "duxue-chromium-"));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      locale: "zh-CN",
      timezoneId: "Asia/Shanghai",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    context.setDefaultTimeout(30_000);
    await context.route("https://challenges.cloudflare.com/**", (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: TURNSTILE_STUB }));
    await context.route(`${BASE}/**`, async (route) => {
      const request = route.request();
      const target = new URL(request.url());
      const sent = await request.allHeaders();
      const headers: Record<string, string> = { "cf-connecting-ip": "198.51.100.7" };
      for (const name of ["content-type", "accept", "accept-language", "user-agent", "origin", "referer"]) if (sent[name]) headers[name] = sent[name];
      const body = request.postDataBuffer();
      const response = await worker.fetch(`${target.pathname}${target.search}`, { method: request.method(), headers, ...(body ? { body } : {}) });
      const answered = Object.fromEntries([...response.headers].filter(([name]) => name !== "content-length" && name !== "content-encoding"));
      await route.fulfill({ status: response.status, headers: answered, body: Buffer.from(await response.arrayBuffer()) });
    });
    // nothing else leaves the browser
    await context.route(/^(?!https:\/\/duxue\.example\.org|https:\/\/challenges\.cloudflare\.com)https?:/, (route) => route.abort());
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await worker?.stop();
    await turnstile?.stop();
  });

  async function screenshot(name: string) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `nameplate-${name}.png`), fullPage: true });
  }

  it("the manager's 名牌 gives the QR code of the school's page; the browser opens its URL", async () => {
    const said = await worker.say("ou_m_dg", "名牌 东港第一小学");
    url = FakeFeishu.textOf(said.replies.find((m) => m.msgType === "text")!).match(/https:\/\/duxue\.example\.org\/p\/[A-Za-z0-9_-]{24}/)![0];
    const image = said.replies.find((m) => m.msgType === "image")!;
    const png = decodePng(worker.fake.uploadedImages.get((image.content as { image_key: string }).image_key)!.bytes);
    // the code in the image is the code of this URL (sampled module by module; no QR decoder needed)
    const matrix = encodeQr(url, { ecc: "M", border: 0 }).data;
    const scale = png.width / (matrix.length + 8);
    const channels = png.channels ?? 1;
    const sampled = matrix.map((row, y) => row.map((_, x) => (png.data[(((y + 4) * scale + scale / 2) * png.width + (x + 4) * scale + scale / 2) * channels] as number) < 128));
    expect(sampled).toEqual(matrix);

    await page.goto(url);
    await expect.poll(() => page.locator("h1").textContent()).toContain("东港第一小学");
    const body = await page.locator("body").innerText();
    expect(body).toContain("李督学");
    expect(body).toContain("0633-7654321");
    expect(body).not.toContain("13900001111");
    await screenshot("page");
  });

  it("a parent sends feedback and sees the reference; the supervisor's card arrives in Feishu", async () => {
    await page.getByLabel("反映问题").check();
    await page.locator("#text").fill("放学时校门口车辆拥堵，希望增加护学岗");
    await page.locator("#name").fill("张女士");
    await page.locator("#phone").fill("13812345678");
    await page.locator('input[name="cf-turnstile-response"]').waitFor({ state: "attached" });
    await page.getByRole("button", { name: "提交" }).click();
    await expect.poll(() => page.locator("body").innerText()).toContain("已收到，受理编号");
    reference = (await page.locator("body").innerText()).match(/\d{8}-[0-9A-Z]{6}/)![0];
    await screenshot("thanks");
    expect(turnstile.calls.at(-1)).toMatchObject({ response: TURNSTILE_DUMMY_TOKEN, success: true });
    await worker.settle();
    const cards = worker.fake.messagesTo("ou_sup_a");
    expect(cards).toHaveLength(1);
    const card = FakeFeishu.textOf(cards[0]!);
    expect(card).toContain(reference);
    expect(card).toContain("放学时校门口车辆拥堵");
    expect(card).toContain("13812345678");
  });

  it("the supervisor's 回复 shows on the page for that reference", async () => {
    const card = worker.fake.messagesTo("ou_sup_a")[0]!;
    const replied = await worker.click("ou_sup_a", { action: "feedback_reply", ref: reference }, { reply: "已与学校沟通，下周一起增设护学岗" }, card.messageId);
    expect(replied.answer.toast?.type).toBe("success");
    await page.goto(url);
    await page.locator("#ref").fill(reference);
    await page.getByRole("button", { name: "查询" }).click();
    await expect.poll(() => page.locator("body").innerText()).toContain("已与学校沟通，下周一起增设护学岗");
    const body = await page.locator("body").innerText();
    expect(body).toContain(`受理编号 ${reference}：已回复`);
    // the sender's text and telephone are not shown back
    expect(body).not.toContain("13812345678");
    await screenshot("reply");
  });

  it("转为核查走访 opens the 补报 form of kind 举报核查 for this school", async () => {
    const card = worker.fake.messagesTo("ou_sup_a")[0]!;
    const visit = await worker.click("ou_sup_a", { action: "feedback_visit", ref: reference }, undefined, card.messageId);
    expect(visit.answer.toast?.type).toBe("info");
    await worker.settle();
    const forms = worker.fake.messagesTo("ou_sup_a").filter((m) => JSON.stringify(m.content).includes("visit_kind"));
    expect(forms).toHaveLength(1);
    const form = JSON.stringify(forms[0]!.content);
    expect(form).toContain('"initial_option":"complaint"');
    expect(form).toContain("举报核查");
    expect(form).toContain('"school_code":"X-A01"');
    expect(form).toContain(`"form_id":"feedback:${reference}"`);
  });

  it("the page ran without script errors or CSP violations", () => {
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
