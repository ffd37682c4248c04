import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32, deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemoRoster } from "../../scripts/lib/demo-roster.ts";

/**
 * The simulator page in a real browser: `npm start` (on free ports, with a
 * fresh D1 in a temporary folder) driven by Playwright and the system
 * Chromium. A manager asks for help and issues an order by command; a
 * supervisor runs the Monday plan from the cron controls, opens the week's
 * card and submits a visit report; the Monday digest lands in the office group.
 * Screenshots go to test-artifacts/. Set DUXUE_SIM_URL to drive an already
 * running simulator instead of starting one.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CHROMIUM = process.env.DUXUE_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-artifacts");
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[browser test] skipped: no Chromium at ${CHROMIUM} (install the Debian package \`chromium\`, or set DUXUE_CHROMIUM).`);
}

/** A real PNG of one colour (the browser must decode it), so each photo has bytes of its own. */
function solidPng(rgb: [number, number, number], size = 8): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", pixels), chunk("IEND", Buffer.alloc(0))]);
}

// Types only: playwright-core is loaded lazily so that a missing browser skips cleanly.
type Playwright = typeof import("playwright-core");
type BrowserContext = import("playwright-core").BrowserContext;
type Page = import("playwright-core").Page;

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts `node scripts/start.ts` on free ports; resolves with the simulator's URL once it prints it. */
async function startStack(stateDir: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const [worker, sim, fake] = [await freePort(), await freePort(), await freePort()];
  const nodeBin = existsSync(join(ROOT, "node_modules/.bin/node")) ? join(ROOT, "node_modules/.bin/node") : process.execPath;
  const child = spawn(nodeBin, ["scripts/start.ts"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DUXUE_WORKER_PORT: String(worker), DUXUE_SIM_PORT: String(sim), DUXUE_FAKE_PORT: String(fake), DUXUE_STATE_DIR: stateDir, DUXUE_VERBOSE: "" },
  });
  let log = "";
  child.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString("utf8")));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not print the simulator URL within 150 s:\n${log}`)), 150_000);
    child.on("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${log}`)));
    const check = () => {
      const match = log.match(/open the simulator: (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout!.on("data", check);
  });
  return { url, child, output: () => log };
}

describe.skipIf(!hasChromium)("the simulator page in a browser", () => {
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  let stateDir: string | undefined;
  let profileDir: string | undefined;
  let context: BrowserContext;
  let page: Page;
  let url: string;
  const pageErrors: string[] = [];
  const firstSchool = generateDemoRoster().schools.split("\n")[1]!.split(",");
  const school = { code: firstSchool[0]!, name: firstSchool[1]! };

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `simulator-${name}.png`), fullPage: false });
  const p2p = () => page.getByTestId("chat-p2p");
  const group = () => page.getByTestId("chat-group");

  async function choose(code: string) {
    await page.getByTestId("people-search").fill(code);
    await page.locator(`.person[data-code="${code}"]`).click();
    await expect.poll(() => page.locator("#me").getAttribute("data-code")).toBe(code);
  }

  /** Sends a message in the direct chat and waits for one more bot card containing `answer`. */
  async function say(text: string, answer: string) {
    const cards = p2p().locator(".msg.from-bot .card", { hasText: answer });
    const before = await cards.count();
    const input = page.getByTestId("composer-p2p-input");
    await input.fill(text);
    await input.press("Enter");
    await expect.poll(() => cards.count(), { timeout: 30_000 }).toBeGreaterThan(before);
    return cards.last();
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    if (process.env.DUXUE_SIM_URL) url = process.env.DUXUE_SIM_URL;
    else {
      stateDir = mkdtempSync(join(tmpdir(), "duxue-browser-"));
      stack = await startStack(stateDir);
      url = stack.url;
    }
    const { chromium } = (await import("playwright-core")) as Playwright;
    profileDir = mkdtempSync(join(tmpdir(), "duxue-chromium-"));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 960 },
      locale: "zh-CN",
      timezoneId: "Asia/Shanghai",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    context.setDefaultTimeout(30_000);
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(url);
  }, 200_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    if (stack?.child.pid) {
      // start.ts and the wrangler/workerd it spawned share one process group
      try {
        process.kill(-stack.child.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 1000));
      try {
        process.kill(-stack.child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    for (const dir of [stateDir, profileDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("lists the roster by role and lets you choose who you are", async () => {
    await expect.poll(() => page.locator(".person").count(), { timeout: 30_000 }).toBeGreaterThan(300);
    await expect.poll(() => page.locator(".role-group summary").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining("系统管理员"), expect.stringContaining("责任督学"), expect.stringContaining("学校联系人")]),
    );
    await choose("M001");
    expect(await page.locator("#me").textContent()).toContain("M001");
  });

  it("a manager sends 帮助 and sees the command card", async () => {
    const card = await say("帮助", "命令");
    expect(await p2p().locator(".msg.from-user .bubble").last().textContent()).toBe("帮助");
    expect(await card.textContent()).toContain("督办");
    await shot("1-help");
  });

  it("a manager issues an order by command and the answer names the school", async () => {
    const card = await say(`督办 ${school.name} 7天 请于一周内完成校门口交通安全整改`, "〔");
    expect(await card.textContent()).toContain(school.name);
    await shot("2-order");
  });

  it("an admin sends a roster CSV file and the new person appears in the list", async () => {
    // the import's summary (a file that leaves people out is followed by a card asking to confirm their deactivation)
    const answers = p2p().locator(".msg.from-bot", { hasText: "已导入 people.csv" });
    const before = await answers.count();
    await page.getByTestId("file-input").setInputFiles({
      name: "people.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("code,name,role,zone_code,school_code,mobile,email,open_id,lang\nM099,测试管理员,manager,,,,,ou_demo_M099,zh\n", "utf8"),
    });
    await expect.poll(() => answers.count(), { timeout: 30_000 }).toBeGreaterThan(before);
    expect(await answers.last().textContent()).toContain("新增 1 行");
    expect(await p2p().locator(".msg.from-user .bubble").last().textContent()).toContain("people.csv");
    await page.getByTestId("people-search").fill("M099");
    await page.locator('.person[data-code="M099"]').waitFor({ timeout: 20_000 });
    await page.getByTestId("people-search").fill("");
  });

  it("a supervisor runs the Monday plan from the cron controls, opens the week's card and submits a report", async () => {
    const supervisor = generateDemoRoster().schools.split("\n")[1]!.split(",")[3]!;
    await choose(supervisor);
    await page.getByTestId("cron-plan").click();
    await expect.poll(() => page.getByTestId("cron-status").textContent()).toMatch(/✓ 周一计划/);

    const weekCard = p2p().locator(".card", { hasText: "本周督导安排" }).filter({ hasText: school.name }).last();
    await weekCard.waitFor({ timeout: 60_000 });
    await weekCard.getByRole("button", { name: "填写报告" }).first().click();
    await expect.poll(() => page.getByTestId("toasts").textContent(), { timeout: 20_000 }).toContain("表单");

    const form = p2p().locator('.card:has([data-name="items_problem"])').last();
    await form.waitFor();
    await shot("3-report-form");
    // the visit date and kind come prefilled; only the exceptions among the eight items are picked
    await form.locator('[data-name="items_problem"] input[value="safety"]').check();
    await form.locator('input[name="m_class_observation"]').fill("2");
    await form.locator('textarea[name="findings"]').fill("校门口交通秩序良好，<b>不是标签</b> **不是加粗**");
    await form.getByRole("button", { name: "提交报告" }).click();

    await expect.poll(() => page.getByTestId("toasts").textContent(), { timeout: 20_000 }).toContain("报告已提交");
    // the form is replaced in place by the report's summary
    const summary = p2p().locator(".card", { hasText: "走访报告" }).last();
    await summary.waitFor();
    expect(await summary.textContent()).toContain("<b>不是标签</b> **不是加粗**");
    expect(await summary.textContent()).toMatch(/校园及周边安全、学生交通安全：有问题/);
    await shot("4-report-summary");
  }, 120_000);

  it("right after the report the supervisor sends two photos: one answer shows them, as images the page can load", async () => {
    await page.getByTestId("image-input").setInputFiles([
      { name: "fence.png", mimeType: "image/png", buffer: solidPng([200, 30, 30]) },
      { name: "exit.png", mimeType: "image/png", buffer: solidPng([30, 30, 200]) },
    ]);
    const answer = p2p().locator(".card", { hasText: "照片已添加" }).last();
    await answer.waitFor({ timeout: 60_000 });
    expect(await answer.textContent()).toContain("添加 2 张照片");
    expect(await p2p().locator(".card", { hasText: "照片已添加" }).count()).toBe(1);
    const images = answer.locator("img");
    expect(await images.count()).toBe(2);
    await expect.poll(() => images.evaluateAll((list) => list.every((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0))).toBe(true);
    await shot("4b-photos");
  }, 90_000);

  it("the Monday digest appears in the office group", async () => {
    // the next Monday's daily 09:00 job sends the digest of the week just planned
    const date = page.locator("#cron-date");
    const ms = Date.parse(`${await date.inputValue()}T00:00:00Z`);
    const monday = new Date(ms + (7 - ((new Date(ms).getUTCDay() + 6) % 7)) * 86_400_000).toISOString().slice(0, 10);
    await date.fill(monday);
    // the digest card (its header: "<office> · 督导周报"), none before the job and exactly one after it
    const digests = group().locator(".card", { hasText: "督导周报" });
    expect(await digests.count()).toBe(0);
    await page.getByTestId("cron-daily").click();
    await expect.poll(() => page.getByTestId("cron-status").textContent()).toMatch(/✓ 每日/);
    await expect.poll(() => digests.count(), { timeout: 60_000 }).toBe(1);
    const digest = digests.last();
    await digest.scrollIntoViewIfNeeded();
    await shot("5-digest");
  }, 90_000);

  it("renders every card component and submits a form in Feishu's value shapes", async () => {
    const gallery = {
      schema: "2.0",
      header: { title: { tag: "plain_text", content: "组件样例 gallery" }, template: "violet" },
      body: {
        elements: [
          { tag: "markdown", content: "**加粗** [链接](https://example.com)\n- 一\n- 二\n用户输入：&lt;b&gt;x&lt;/b&gt; &#42;&#42;y&#42;&#42;" },
          { tag: "div", text: { tag: "plain_text", content: "div 文本" } },
          { tag: "hr" },
          { tag: "table", columns: [{ name: "a", display_name: "列A" }, { name: "n", display_name: "数", data_type: "number" }], rows: [{ a: "甲", n: 3 }] },
          { tag: "chart", chart_spec: { type: "bar", title: { text: "图" }, data: { values: [{ x: "市级", s: "已报告", y: 4 }, { x: "市级", s: "未完成", y: 6 }] }, xField: "x", yField: "y", seriesField: "s" } },
          {
            tag: "form",
            name: "f",
            elements: [
              { tag: "column_set", columns: [{ tag: "column", width: "weighted", weight: 1, elements: [{ tag: "input", name: "note", placeholder: { tag: "plain_text", content: "备注" } }] }] },
              { tag: "select_static", name: "state", required: true, options: [{ text: { tag: "plain_text", content: "正常" }, value: "normal" }, { text: { tag: "plain_text", content: "有问题" }, value: "problem" }] },
              { tag: "multi_select_static", name: "topics", options: [{ text: { tag: "plain_text", content: "安全" }, value: "safety" }, { text: { tag: "plain_text", content: "双减" }, value: "double" }] },
              { tag: "date_picker", name: "due" },
              { tag: "checker", name: "fixed", text: { tag: "plain_text", content: "即知即改" } },
              { tag: "button", text: { tag: "plain_text", content: "提交样例" }, name: "go", form_action_type: "submit", behaviors: [{ type: "callback", value: { action: "gallery" } }] },
            ],
          },
        ],
      },
    };
    await page.evaluate(`(() => {
      window.__payloads = [];
      const node = DuxueCards.renderCard(${JSON.stringify(gallery)}, { toast: (type, text) => window.__payloads.push({ toast: text }), action: async (p) => { window.__payloads.push(p); } });
      node.id = "gallery";
      document.querySelector("#messages-p2p").append(node);
    })()`);
    const card = page.locator("#gallery");
    const md = card.locator(".md").first();
    expect(await md.locator("strong").textContent()).toBe("加粗");
    expect(await md.locator("a").getAttribute("href")).toBe("https://example.com");
    expect(await md.locator("li").count()).toBe(2);
    expect(await md.textContent()).toContain("用户输入：<b>x</b> **y**");
    expect(await md.locator("b").count()).toBe(0);
    expect(await card.locator(".chart td").allTextContents()).toEqual(["市级", "4", "6"]);

    const payloads = () => page.evaluate("window.__payloads") as Promise<unknown[]>;
    await card.getByRole("button", { name: "提交样例" }).click();
    expect(await payloads()).toEqual([{ toast: expect.stringContaining("必填") }]);

    await card.locator('input[name="note"]').fill("看过了");
    await card.locator('select[name="state"]').selectOption("problem");
    await card.locator(".chip", { hasText: "双减" }).locator("input").check();
    await card.locator('input[name="due"]').fill("2026-12-01");
    await card.locator('input[name="fixed"]').check();
    await card.getByRole("button", { name: "提交样例" }).click();
    expect((await payloads())[1]).toEqual({
      value: { action: "gallery" },
      tag: "button",
      name: "go",
      formValue: { note: "看过了", state: "problem", topics: ["double"], due: "2026-12-01 +0800", fixed: true },
    });
    await card.scrollIntoViewIfNeeded();
    await shot("6-components");
    await page.evaluate(`document.querySelector("#gallery").remove()`);
  });

  it("shows no script errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
