import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FEEDBACK_IP_WINDOW_MS } from "../../src/domain/nameplate.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { FakeTurnstile, TURNSTILE_DUMMY_TOKEN, TURNSTILE_PASSING_SECRET, TURNSTILE_TEST_SITE_KEY } from "../support/fake-turnstile.ts";
import { nameplateRoster } from "../support/nameplate-roster.ts";
import { seedRosterFiles } from "../support/roster.ts";
import { useWorker } from "../support/use-worker.ts";
import { expectRefusedClick } from "../support/refusal.ts";

/** Two districts' schools; 东港's name carries markup, its office a public telephone. */
const ROSTER = nameplateRoster(`
X-A01,东港<script>alert(1)</script>小学,Z-A01,S001,primary,public,东港路1号,1
X-C01,日照市实验中学,Z-C01,S002,junior,public,市中心路1号,1
`);

const TOKEN_A = "AAAAAAAAAAAAAAAAAAAAAAAa";
const TOKEN_C = "CCCCCCCCCCCCCCCCCCCCCCCc";
const REVOKED = "RRRRRRRRRRRRRRRRRRRRRRRr";

describe("the school's public nameplate page and its feedback form", () => {
  let turnstile: FakeTurnstile;
  let ipCounter = 0;
  /** a new client address per test, so the per-IP limit of one test does not reach another */
  const nextIp = () => `203.0.113.${++ipCounter}`;

  const post = (token: string, fields: Record<string, string>, ip: string) =>
    worker.fetch(`/p/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": ip },
      body: new URLSearchParams(fields).toString(),
    });
  const good = (extra: Record<string, string> = {}) => ({ kind: "problem", text: "校门口早上车辆拥堵，孩子过马路危险", name: "张女士", phone: "13812345678", "cf-turnstile-response": TURNSTILE_DUMMY_TOKEN, ...extra });

  beforeAll(async () => {
    turnstile = await new FakeTurnstile().start();
  });
  const worker = useWorker({
    vars: () => ({ TURNSTILE_SITE_KEY: TURNSTILE_TEST_SITE_KEY, TURNSTILE_SECRET_KEY: TURNSTILE_PASSING_SECRET, TURNSTILE_VERIFY_URL: turnstile.url, PUBLIC_BASE_URL: "https://duxue.example.org" }),
    setup: async () => {
      await seedRosterFiles(worker, ROSTER);
      const now = Date.now();
      await worker.query("INSERT INTO nameplate_tokens (token, school_code, issued_by, issued_at) VALUES (?1, 'X-A01', 'M001', ?2), (?3, 'X-C01', 'M001', ?2)", TOKEN_A, now, TOKEN_C);
      await worker.query("INSERT INTO nameplate_tokens (token, school_code, issued_by, issued_at, revoked_at) VALUES (?1, 'X-A01', 'M001', ?2, ?2)", REVOKED, now - 1000);
    },
    teardown: () => turnstile.stop(),
  });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
  });

  it("shows the school, its supervisor, the office's public telephone and the items, escaped, under a strict CSP and without cookies", async () => {
    const response = await worker.fetch(`/p/${TOKEN_A}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toContain("max-age=");
    const page = await response.text();
    expect(page).toContain("东港&lt;script&gt;alert(1)&lt;/script&gt;小学");
    expect(page).not.toContain("<script>alert");
    expect(page).toContain("李督学");
    expect(page).toContain("东港区督导室");
    expect(page).toContain("0633-7654321");
    expect(page).toContain("校园及周边安全");
    expect(page).toContain(`data-sitekey="${TURNSTILE_TEST_SITE_KEY}"`);
    // nothing of the roster beyond what the page shows: no mobile, no email, no codes, no other school
    expect(page).not.toContain("13900001111");
    expect(page).not.toContain("li@example.org");
    expect(page).not.toContain("S001");
    expect(page).not.toContain("王督学");
    expect(page).not.toContain("日照市实验中学");
    expect(new TextEncoder().encode(page).byteLength).toBeLessThan(8 * 1024);
  });

  it("the other school's token shows that school and its own supervisor", async () => {
    const page = await (await worker.fetch(`/p/${TOKEN_C}`)).text();
    expect(page).toContain("日照市实验中学");
    expect(page).toContain("王督学");
    expect(page).toContain("日照市督导室");
    expect(page).toContain("0633-1234567");
    expect(page).not.toContain("李督学");
  });

  it("a revoked token and an unknown one get the same 404", async () => {
    const revoked = await worker.fetch(`/p/${REVOKED}`);
    const unknown = await worker.fetch("/p/ZZZZZZZZZZZZZZZZZZZZZZZz");
    const malformed = await worker.fetch("/p/X-A01");
    expect(revoked.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    const body = await revoked.text();
    expect(body).toContain("页面不存在或已失效");
    expect(await unknown.text()).toBe(body);
    expect(await malformed.text()).toBe(body);
    const before = await worker.snapshot();
    expect((await post(REVOKED, good(), nextIp())).status).toBe(404);
    await worker.settle();
    expect(await worker.snapshot()).toEqual(before);
    expect(worker.fake.messages).toHaveLength(0);
  });

  it("feedback is stored with a reference and reaches the school's supervisor in Feishu, the telephone only there", async () => {
    const ip = nextIp();
    const response = await post(TOKEN_A, good({ text: "校门口<b>拥堵</b> <at user_id=\"all\"></at>" }), ip);
    expect(response.status).toBe(200);
    // the token was checked with Cloudflare, with the sender's address
    expect(turnstile.calls.at(-1)).toMatchObject({ secret: TURNSTILE_PASSING_SECRET, response: TURNSTILE_DUMMY_TOKEN, remoteip: ip, success: true });
    const page = await response.text();
    const reference = page.match(/\d{8}-[0-9A-Z]{6}/)?.[0];
    expect(reference).toBeDefined();
    expect(page).toContain("已收到，受理编号");
    const [row] = await worker.query<{ school_code: string; kind: string; text: string; sender_phone: string; sender_name: string }>("SELECT * FROM feedback WHERE reference = ?", reference);
    expect(row).toMatchObject({ school_code: "X-A01", kind: "problem", sender_phone: "13812345678", sender_name: "张女士" });
    await worker.settle();
    const cards = worker.fake.messagesTo("ou_sup_a");
    expect(cards).toHaveLength(1);
    const text = FakeFeishu.textOf(cards[0]!);
    expect(text).toContain(reference!);
    expect(text).toContain("13812345678");
    expect(text).toContain("反映问题");
    // the sender's markup is escaped: no @all, no bold
    expect(JSON.stringify(cards[0]!.content)).not.toContain("<at");
    expect(worker.fake.messagesTo("ou_sup_b")).toHaveLength(0);
    // neither the telephone nor the page's token is logged
    expect(JSON.stringify(worker.logs)).not.toContain("13812345678");
    expect(JSON.stringify(worker.logs)).not.toContain(TOKEN_A);
    expect(worker.logs.some((line) => line.route === "/p/:token" && line.outcome === "feedback_stored")).toBe(true);
  });

  it("the supervisor accepts and replies from the card; the sender sees the reply under the reference on this school's page only", async () => {
    const page = await (await post(TOKEN_A, good({ text: "建议增加放学时段的护学岗" }), nextIp())).text();
    const reference = page.match(/\d{8}-[0-9A-Z]{6}/)![0];
    await worker.settle();
    const [message] = worker.fake.messagesTo("ou_sup_a");
    expect(message).toBeDefined();
    // another school's supervisor and the school's own contact may not act on it
    await expectRefusedClick(worker, "ou_sup_b", { action: "feedback_accept", ref: reference }, "这张卡片不是发给您的", { messageId: message!.messageId });
    expect((await worker.query<{ status: string }>("SELECT status FROM feedback WHERE reference = ?", reference))[0]!.status).toBe("new");
    const accepted = await worker.click("ou_sup_a", { action: "feedback_accept", ref: reference }, undefined, message!.messageId);
    expect(accepted.answer.toast?.type).toBe("success");
    expect(JSON.stringify(accepted.answer.card)).toContain("已受理");
    const lookedUp = await (await worker.fetch(`/p/${TOKEN_A}?ref=${reference.toLowerCase()}`)).text();
    expect(lookedUp).toContain(`受理编号 ${reference}：已受理`);
    const replied = await worker.click("ou_sup_a", { action: "feedback_reply", ref: reference }, { reply: "已与学校沟通，下周起增设护学岗<script>" }, message!.messageId);
    expect(replied.answer.toast?.type).toBe("success");
    const [row] = await worker.query<{ status: string; reply: string; handled_by: string }>("SELECT status, reply, handled_by FROM feedback WHERE reference = ?", reference);
    expect(row).toEqual({ status: "replied", reply: "已与学校沟通，下周起增设护学岗<script>", handled_by: "S001" });
    const answer = await worker.fetch(`/p/${TOKEN_A}?ref=${reference}`);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const answerPage = await answer.text();
    expect(answerPage).toContain("已与学校沟通，下周起增设护学岗&lt;script&gt;");
    // neither the sender's text nor the telephone shows there
    expect(answerPage).not.toContain("建议增加放学时段");
    expect(answerPage).not.toContain("13812345678");
    // 转交督导室: the managers of the school's office chain get the card (with the telephone); nobody else
    const forwarded = await worker.click("ou_sup_a", { action: "feedback_forward", ref: reference }, undefined, message!.messageId);
    expect(forwarded.answer.toast?.type).toBe("success");
    await worker.settle();
    const toManager = worker.fake.messagesTo("ou_m_dg");
    expect(toManager).toHaveLength(1);
    expect(FakeFeishu.textOf(toManager[0]!)).toContain(reference);
    expect(FakeFeishu.textOf(toManager[0]!)).toContain("13812345678");
    expect(worker.fake.messagesTo("ou_sup_b")).toHaveLength(0);
    // 转为核查走访: the 补报 form of kind 举报核查 for this school arrives in the supervisor's direct chat
    const visit = await worker.click("ou_sup_a", { action: "feedback_visit", ref: reference }, undefined, message!.messageId);
    expect(visit.answer.toast?.type).toBe("info");
    await worker.settle();
    const forms = worker.fake.messagesTo("ou_sup_a").filter((m) => JSON.stringify(m.content).includes("visit_kind"));
    expect(forms).toHaveLength(1);
    const form = JSON.stringify(forms[0]!.content);
    expect(form).toContain('"initial_option":"complaint"');
    expect(form).toContain(`"form_id":"feedback:${reference}"`);
    expect(form).toContain('"school_code":"X-A01"');
    // another school's page does not know the reference
    const elsewhere = await (await worker.fetch(`/p/${TOKEN_C}?ref=${reference}`)).text();
    expect(elsewhere).toContain("本校没有这个受理编号");
    expect(elsewhere).not.toContain("护学岗");
  });

  it("a failed Turnstile check is refused: nothing stored, nothing sent", async () => {
    const before = await worker.snapshot();
    for (const token of ["forged-token", ""]) {
      const response = await post(TOKEN_A, good({ "cf-turnstile-response": token }), nextIp());
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("人机验证未通过");
    }
    await worker.settle();
    expect(await worker.snapshot()).toEqual(before);
    expect(worker.fake.messages).toHaveLength(0);
  });

  it("oversized and invalid input get a clear answer and change nothing", async () => {
    const before = await worker.snapshot();
    const huge = await post(TOKEN_A, good({ text: "<script>x</script>".repeat(600) }), nextIp());
    expect(huge.status).toBe(413);
    expect(await huge.text()).toContain("提交的内容过大");
    // the 10,000 characters
    const tenThousand = await post(TOKEN_A, good({ text: "长".repeat(10_000) }), nextIp());
    expect(tenThousand.status).toBe(413);
    expect(await tenThousand.text()).toContain("提交的内容过大");
    const long = await post(TOKEN_A, good({ text: "长".repeat(501) }), nextIp());
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("不能超过 500 字");
    const kind = await post(TOKEN_A, good({ kind: "<img src=x>" }), nextIp());
    expect(kind.status).toBe(400);
    const phone = await post(TOKEN_A, good({ phone: "<script>" }), nextIp());
    expect(phone.status).toBe(400);
    expect(await phone.text()).not.toContain("<script>");
    const json = await worker.fetch(`/p/${TOKEN_A}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(good()) });
    expect(json.status).toBe(415);
    expect(await json.text()).toContain("提交格式不正确");
    await worker.settle();
    expect(await worker.snapshot()).toEqual(before);
    expect(worker.fake.messages).toHaveLength(0);
  });

  it("100 posts from one address: 5 in ten minutes are taken, the rest refused, not stored, not sent", async () => {
    // the limit counts in fixed ten-minute windows: start well inside one, so all 100 fall in the same window
    const untilNextWindow = FEEDBACK_IP_WINDOW_MS - (Date.now() % FEEDBACK_IP_WINDOW_MS);
    if (untilNextWindow < 15_000) await new Promise((resolve) => setTimeout(resolve, untilNextWindow + 100));
    const ip = nextIp();
    const verifications = turnstile.calls.length;
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await post(TOKEN_A, good({ text: `第 ${i} 条` }), ip)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect(await worker.count("feedback", "text LIKE '第 % 条'")).toBe(5);
    // the refused posts cost no siteverify call
    expect(turnstile.calls.length - verifications).toBe(5);
    await worker.settle();
    expect(worker.fake.messagesTo("ou_sup_a")).toHaveLength(5);
    // another address is not held back
    expect((await post(TOKEN_A, good({ text: "另一位家长" }), nextIp())).status).toBe(200);
  });

  it("a manager issues a school's link, gets it privately, replaces it (the old one stops working) and revokes it", async () => {
    const first = await worker.say("ou_m_dg", "名牌 X-A01");
    // the link as text, then its QR code as an image (test/integration/nameplate.print.test.ts)
    expect(first.replies.map((m) => m.msgType)).toEqual(["text", "image"]);
    const link = first.texts[0]!.match(/https:\/\/duxue\.example\.org\/p\/([A-Za-z0-9_-]{24})/);
    expect(link).not.toBeNull();
    // the school's valid link (the one on its nameplate), the same each time: asking does not replace it
    expect(link![1]).toBe(TOKEN_A);
    const again = await worker.say("ou_m_dg", "名牌 X-A01");
    expect(again.texts[0]).toContain(link![0]);
    const replaced = await worker.say("ou_m_dg", "名牌 新 X-A01");
    const fresh = replaced.texts[0]!.match(/\/p\/([A-Za-z0-9_-]{24})/)![1]!;
    expect(fresh).not.toBe(link![1]);
    expect((await worker.fetch(`/p/${link![1]}`)).status).toBe(404);
    expect((await worker.fetch(`/p/${fresh}`)).status).toBe(200);
    const list = await worker.say("ou_m_dg", "名牌 列表");
    expect(list.texts[0]).toContain(`https://duxue.example.org/p/${fresh}`);
    // 东港's manager's scope: the city's school is not listed
    expect(list.texts[0]).not.toContain(TOKEN_C);
    const revoked = await worker.say("ou_m_dg", "名牌 撤销 X-A01");
    expect(revoked.texts[0]).toContain("已撤销");
    expect((await worker.fetch(`/p/${fresh}`)).status).toBe(404);
    expect(await worker.count("nameplate_tokens", "school_code = 'X-A01' AND revoked_at IS NULL")).toBe(0);
  });

  it("a manager cannot issue a link for a school outside the office, nor a supervisor at all", async () => {
    const tokensBefore = await worker.count("nameplate_tokens");
    const outside = await worker.say("ou_m_dg", "名牌 新 X-C01");
    expect(outside.texts).toHaveLength(1);
    expect(outside.texts[0]).toContain("日照市实验中学");
    expect(outside.texts[0]).not.toContain("/p/");
    const supervisor = await worker.say("ou_sup_a", "名牌 新 X-A01");
    expect(supervisor.texts).toHaveLength(1);
    expect(supervisor.texts[0]).not.toContain("/p/");
    expect(await worker.count("nameplate_tokens")).toBe(tokensBefore);
    expect(await worker.count("nameplate_tokens", "token = ? AND revoked_at IS NULL", TOKEN_C)).toBe(1);
  });

  it("an office's switch takes its schools' pages offline (the same 404, posts refused) and back on; other offices' pages stay", async () => {
    await worker.query("UPDATE nameplate_tokens SET revoked_at = NULL WHERE token = ?", TOKEN_A);
    expect((await worker.fetch(`/p/${TOKEN_A}`)).status).toBe(200);
    const off = await worker.say("ou_m_dg", "名牌 关闭");
    expect(off.texts[0]).toContain("已关闭东港区督导室");
    const gone = await worker.fetch(`/p/${TOKEN_A}`);
    expect(gone.status).toBe(404);
    expect(await gone.text()).toBe(await (await worker.fetch("/p/ZZZZZZZZZZZZZZZZZZZZZZZz")).text());
    const feedbackBefore = await worker.count("feedback");
    expect((await post(TOKEN_A, good(), nextIp())).status).toBe(404);
    expect(await worker.count("feedback")).toBe(feedbackBefore);
    // the city's school (another office) is untouched
    expect((await worker.fetch(`/p/${TOKEN_C}`)).status).toBe(200);
    await worker.say("ou_m_dg", "名牌 开启");
    expect((await worker.fetch(`/p/${TOKEN_A}`)).status).toBe(200);
    // the city's switch covers the district offices below it
    await worker.query("INSERT INTO people (code, name, role, open_id, lang, office_code, active, created_at, updated_at) VALUES ('M000', '市科长', 'manager', 'ou_m_city', 'zh', 'RZ', 1, 0, 0)");
    await worker.say("ou_m_city", "名牌 关闭");
    expect((await worker.fetch(`/p/${TOKEN_A}`)).status).toBe(404);
    expect((await worker.fetch(`/p/${TOKEN_C}`)).status).toBe(404);
    await worker.say("ou_m_city", "名牌 开启");
    expect((await worker.fetch(`/p/${TOKEN_A}`)).status).toBe(200);
  });

  it("a school whose supervisor cannot be reached: the feedback goes to the managers of its office chain", async () => {
    await worker.query("UPDATE people SET open_id = NULL WHERE code = 'S002'");
    await worker.query("INSERT OR IGNORE INTO people (code, name, role, open_id, lang, office_code, active, created_at, updated_at) VALUES ('M000', '市科长', 'manager', 'ou_m_city', 'zh', 'RZ', 1, 0, 0)");
    const page = await (await post(TOKEN_C, good({ text: "食堂饭菜偏咸" }), nextIp())).text();
    const reference = page.match(/\d{8}-[0-9A-Z]{6}/)![0];
    await worker.settle();
    const toCity = worker.fake.messagesTo("ou_m_city");
    expect(toCity).toHaveLength(1);
    expect(FakeFeishu.textOf(toCity[0]!)).toContain(reference);
    // the district's manager is not in the chain of the city's school
    expect(worker.fake.messagesTo("ou_m_dg")).toHaveLength(0);
  });

  it("unanswered feedback: the supervisor is reminded after 2 working days, the office's managers get it after 5, once each", async () => {
    const now = Date.now();
    const insert = (reference: string, daysAgo: number, status = "new") =>
      worker.query(
        "INSERT INTO feedback (reference, school_code, kind, text, sender_phone, received_at, status) VALUES (?1, 'X-A01', 'problem', '反映内容', '13700000000', ?2, ?3)",
        reference,
        now - daysAgo * 86_400_000,
        status,
      );
    await insert("20990101-AAAAAA", 1); // too fresh
    await insert("20990101-BBBBBB", 4); // 2 to 4 working days: reminded only
    await insert("20990101-CCCCCC", 10); // at least 6 working days: reminded and escalated
    await insert("20990101-DDDDDD", 10, "replied"); // answered: nothing
    await worker.runCron("0 1 * * *", new Date(now));
    const toSupervisor = worker.fake.messagesTo("ou_sup_a").map((m) => FakeFeishu.textOf(m)).filter((text) => text.includes("待回复的公众反馈"));
    expect(toSupervisor.filter((text) => text.includes("20990101-AAAAAA"))).toHaveLength(0);
    expect(toSupervisor.filter((text) => text.includes("20990101-BBBBBB"))).toHaveLength(1);
    expect(toSupervisor.filter((text) => text.includes("20990101-CCCCCC"))).toHaveLength(1);
    expect(toSupervisor.filter((text) => text.includes("20990101-DDDDDD"))).toHaveLength(0);
    const toManager = worker.fake.messagesTo("ou_m_dg").map((m) => FakeFeishu.textOf(m)).filter((text) => text.includes("超过 5 个工作日未回复"));
    expect(toManager).toHaveLength(1);
    expect(toManager[0]).toContain("20990101-CCCCCC");
    // the city school's supervisor hears nothing of 东港's feedback
    expect(worker.fake.messagesTo("ou_sup_b")).toHaveLength(0);
    // the same day again: nothing new
    const aboutThese = () => worker.fake.messages.filter((m) => JSON.stringify(m.content).includes("20990101-")).length;
    const before = aboutThese();
    expect(before).toBeGreaterThan(0);
    await worker.runCron("0 1 * * *", new Date(now));
    expect(aboutThese()).toBe(before);
  });

  it("the school's file counts this term's public feedback for the supervisor, not for the school's contact", async () => {
    const [counts] = await worker.query<{ received: number; replied: number }>(
      "SELECT COUNT(*) AS received, SUM(CASE WHEN status = 'replied' THEN 1 ELSE 0 END) AS replied FROM feedback WHERE school_code = 'X-A01'",
    );
    expect(counts!.received).toBeGreaterThan(counts!.replied);
    expect(counts!.replied).toBeGreaterThan(0);
    const supervisor = await worker.say("ou_sup_a", "学校 X-A01");
    expect(supervisor.texts.join("\n")).toContain(`公众反馈** 本学期 ${counts!.received} 条 · 已回复 ${counts!.replied} · 转为核查走访 0`);
    await worker.query("INSERT INTO people (code, name, role, school_code, open_id, lang, active, created_at, updated_at) VALUES ('T001', '东港联系人', 'school_contact', 'X-A01', 'ou_t_a', 'zh', 1, 0, 0)");
    const contact = await worker.say("ou_t_a", "学校");
    expect(contact.texts.join("\n")).toContain("督导档案");
    expect(contact.texts.join("\n")).not.toContain("公众反馈");
  });

  it("导出 反馈: the office's feedback without the sender's name or telephone, its own schools only", async () => {
    const { texts } = await worker.say("ou_m_dg", "导出 反馈 csv");
    expect(texts[0]).toContain("已导出公众反馈");
    const message = worker.fake.messages.filter((m) => m.msgType === "file").at(-1)!;
    const csv = new TextDecoder().decode(worker.fake.uploadOf(message)!.bytes);
    expect(csv).toContain("受理编号,收到日期,学校编号");
    expect(csv).toContain("建议增加放学时段的护学岗");
    expect(csv).toContain("已回复");
    expect(csv).not.toContain("13812345678");
    expect(csv).not.toContain("张女士");
    // the city's school is not 东港's
    expect(csv).not.toContain("食堂饭菜偏咸");
  });

  it("统计 counts the public feedback of the manager's zones in the period", async () => {
    const tz = "Asia/Shanghai";
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(new Date());
    const from = new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(new Date(Date.now() - 30 * 86_400_000));
    const since = Date.parse(`${from}T00:00:00+08:00`);
    const count = (school: string) => worker.count("feedback", "school_code = ? AND received_at >= ?", school, since);
    const [dg, city] = [await count("X-A01"), await count("X-C01")];
    expect(dg).toBeGreaterThan(0);
    expect(city).toBeGreaterThan(0);
    const { texts } = await worker.say("ou_m_dg", `统计 ${from} ${today}`);
    expect(texts.join("\n")).toContain(`公众反馈** 收到 ${dg} 条`);
    const whole = await worker.say("ou_m_city", `统计 ${from} ${today}`);
    expect(whole.texts.join("\n")).toContain(`公众反馈** 收到 ${dg + city} 条`);
  });

  it("the weekly digest counts the week's public feedback", async () => {
    // next Monday 09:00 Asia/Shanghai: the digest of this week, in which the feedback above was received
    const now = new Date();
    const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + ((8 - now.getUTCDay()) % 7 || 7), 1, 0));
    await worker.runCron("0 1 * * *", monday);
    const digest = worker.fake.messages.filter((m) => m.chatId === "oc_office_group").map((m) => FakeFeishu.textOf(m)).join("\n");
    const received = /公众反馈\*\* 本周收到 (\d+) 条/.exec(digest);
    expect(received).not.toBeNull();
    expect(Number(received![1])).toBeGreaterThan(0);
  });
});
