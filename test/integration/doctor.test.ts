import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { botChats, rosterProbesFromCsv, runDoctor, whois, type DoctorOptions } from "../../scripts/lib/doctor-checks.ts";
import { rosterTemplateSheets } from "../../src/xlsx/roster-template.ts";
import { writeWorkbook } from "../../src/xlsx/workbook.ts";
import { ENCRYPT_KEY, VERIFICATION_TOKEN } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";

/** `npm run doctor` against the fake Feishu and the Worker on workerd: every line a deployer would read. */
describe("npm run doctor", () => {
  let options: DoctorOptions;

  const worker = useWorker({
    directSocket: true,
    setup: async () => {
      worker.fake.botChats.add("oc_office_group");
      // the operator, and a roster person the app can see; anyone else is outside the contact range
      worker.fake.directory.set("13800000001", "ou_operator");
      worker.fake.directory.set("wang@school.example", "ou_wang");
      options = {
        appId: worker.fake.appId,
        appSecret: worker.fake.appSecret,
        verificationToken: VERIFICATION_TOKEN,
        encryptKey: ENCRYPT_KEY,
        baseUrl: worker.fake.url,
        digestChatId: "oc_office_group",
        workerUrl: (await worker.directUrl("/")).toString(),
      };
    },
  });

  it("a working deployment passes every check, and nothing is sent to anyone", async () => {
    const lines = await runDoctor(options);
    expect(lines.map((l) => [l.label, l.ok])).toEqual([
      ["tenant token", true],
      ["bot capability", true],
      ["scopes (权限管理)", true],
      ["scope contact:user.id:readonly", true],
      ["contact range (通讯录权限范围)", null],
      ["availability (可用范围)", null],
      ["DIGEST_CHAT_ID", true],
      ["worker /healthz", true],
      ["challenge /feishu/events", true],
      ["challenge /feishu/cards", true],
    ]);
    expect(worker.fake.messages).toEqual([]);
    // what cannot be told without a probe is said, with where to set it
    const byLabel = Object.fromEntries(lines.map((l) => [l.label, l]));
    expect(byLabel["contact range (通讯录权限范围)"]).toMatchObject({ detail: expect.stringContaining("not checked"), fix: expect.stringContaining("--probe") });
    expect(byLabel["availability (可用范围)"]).toMatchObject({ detail: expect.stringContaining("--send-test"), fix: expect.stringContaining("可用范围") });
  });

  it("--probe and --roster say whose ids resolve, by code only; --send-test reaches the operator, or explains 230013", async () => {
    const roster = rosterProbesFromCsv("\uFEFF编号,姓名,角色,手机,邮箱,open_id\nM001,刘主任,admin,13800000001,,\nS0001,王建国,supervisor,,wang@school.example,\nS0002,李秀英,supervisor,13900000002,,\nS0003,张伟,supervisor,13900000003,,ou_known\nS0004,赵敏,supervisor,,,\n");
    expect(roster).toEqual([
      { code: "M001", mobile: "13800000001" },
      { code: "S0001", email: "wang@school.example" },
      { code: "S0002", mobile: "13900000002" },
    ]);
    const lines = await runDoctor({ ...options, probe: "13800000001", sendTest: true, rosterPeople: roster, adminOpenIds: ["ou_operator"], workerUrl: undefined });
    const byLabel = Object.fromEntries(lines.map((l) => [l.label, l]));
    const range = byLabel["contact range (通讯录权限范围)"]!;
    expect(range).toMatchObject({ ok: false, detail: expect.stringContaining("2 of 3 roster people resolve; not found: S0002"), fix: expect.stringContaining("通讯录权限范围") });
    expect(range.detail).toContain("--probe resolves to ou_operator");
    expect(range.detail).not.toContain("13900000002");
    expect(byLabel["availability (可用范围)"]).toMatchObject({ ok: true, detail: expect.stringContaining("ou_operator") });
    expect(worker.fake.messagesTo("ou_operator").map((m) => m.msgType)).toEqual(["text"]);
    expect(byLabel["ADMIN_OPEN_IDS"]).toMatchObject({ ok: null, fix: expect.stringContaining("npx wrangler secret delete ADMIN_OPEN_IDS") });

    // the operator outside the availability range: Feishu answers 230013 and nothing arrives
    worker.fake.unavailableTo.add("ou_operator");
    try {
      const refused = await runDoctor({ ...options, probe: "13800000001", sendTest: true, workerUrl: undefined });
      const availability = refused.find((l) => l.label === "availability (可用范围)");
      expect(availability).toMatchObject({ ok: false, detail: expect.stringContaining("230013"), fix: expect.stringContaining("版本管理与发布") });
      expect(refused.find((l) => l.label === "contact range (通讯录权限范围)")).toMatchObject({ ok: true });
      expect(worker.fake.messagesTo("ou_operator")).toHaveLength(1);
    } finally {
      worker.fake.unavailableTo.clear();
    }

    // a probe nobody has: not resolved, and so no test message
    const unknown = await runDoctor({ ...options, probe: "nobody@school.example", sendTest: true, workerUrl: undefined });
    expect(unknown.find((l) => l.label === "contact range (通讯录权限范围)")).toMatchObject({ ok: false, detail: "--probe does not resolve" });
    expect(unknown.find((l) => l.label === "availability (可用范围)")).toMatchObject({ ok: null, detail: expect.stringContaining("needs a --probe that resolves") });
    expect(worker.fake.messages).toHaveLength(1);
    worker.fake.reset();
  });

  it("--whois gives the open_id for ADMIN_OPEN_IDS, or says why not", async () => {
    expect(await whois(options, "wang@school.example")).toMatchObject({ ok: true, detail: "ou_wang", fix: expect.stringContaining("ADMIN_OPEN_IDS") });
    expect(await whois(options, "13900000002")).toMatchObject({ ok: false, fix: expect.stringContaining("通讯录权限范围") });
    worker.fake.deniedScopes.add("contact:user.id:readonly");
    try {
      expect(await whois(options, "wang@school.example")).toMatchObject({ ok: false, fix: expect.stringContaining("contact:user.id:readonly") });
    } finally {
      worker.fake.deniedScopes.clear();
    }
    expect(worker.fake.messages).toEqual([]);
  });

  it("an app with the withdrawn message scopes is told the names that replace them", async () => {
    worker.fake.appScopes.delete("im:message.p2p_msg:readonly");
    worker.fake.appScopes.delete("im:message.group_at_msg:readonly");
    worker.fake.appScopes.add("im:message.p2p_msg");
    worker.fake.appScopes.add("im:message.group_at_msg");
    try {
      const line = (await runDoctor({ ...options, workerUrl: undefined })).find((l) => l.label === "scopes (权限管理)");
      expect(line).toMatchObject({
        ok: false,
        detail:
          "not added: im:message.p2p_msg:readonly, im:message.group_at_msg:readonly; im:message.p2p_msg is a withdrawn 历史版本 name: add im:message.p2p_msg:readonly instead; im:message.group_at_msg is a withdrawn 历史版本 name: add im:message.group_at_msg:readonly instead",
      });
    } finally {
      worker.fake.appScopes.delete("im:message.p2p_msg");
      worker.fake.appScopes.delete("im:message.group_at_msg");
      worker.fake.appScopes.add("im:message.p2p_msg:readonly");
      worker.fake.appScopes.add("im:message.group_at_msg:readonly");
    }
  });

  it("--chats lists the groups the bot is in with their chat_ids, or says how to add it", async () => {
    worker.fake.chatNames.set("oc_office_group", "日照市教育督导室工作群");
    expect(await botChats(options)).toEqual([{ ok: true, label: "oc_office_group", detail: "日照市教育督导室工作群" }]);
    worker.fake.botChats.clear();
    try {
      expect(await botChats(options)).toEqual([expect.objectContaining({ ok: false, detail: "the bot is in no group chat", fix: expect.stringContaining("添加机器人") })]);
    } finally {
      worker.fake.botChats.add("oc_office_group");
    }
  });

  it("each broken part is named with its fix", async () => {
    const wrongSecret = await runDoctor({ ...options, appSecret: "wrong", workerUrl: undefined });
    expect(wrongSecret).toEqual([expect.objectContaining({ label: "tenant token", ok: false, fix: expect.stringContaining("FEISHU_APP_SECRET") })]);
    expect(worker.fake.takeRefusals(10014)).toMatchObject([{ path: "/open-apis/auth/v3/tenant_access_token/internal", msg: "app secret invalid" }]);

    worker.fake.botEnabled = false;
    worker.fake.deniedScopes.add("contact:user.id:readonly");
    worker.fake.botChats.clear();
    try {
      const lines = await runDoctor({ ...options, verificationToken: "not-the-token" });
      const byLabel = Object.fromEntries(lines.map((l) => [l.label, l]));
      expect(byLabel["bot capability"]).toMatchObject({ ok: false, fix: expect.stringContaining("机器人") });
      expect(byLabel["scopes (权限管理)"]).toMatchObject({ ok: false, detail: "added, not yet granted: contact:user.id:readonly", fix: expect.stringContaining("权限管理") });
      expect(byLabel["scope contact:user.id:readonly"]).toMatchObject({ ok: false, fix: expect.stringContaining("权限管理") });
      expect(byLabel["DIGEST_CHAT_ID"]).toMatchObject({ ok: false, detail: expect.stringContaining("not in"), fix: expect.stringContaining("添加机器人") });
      expect(byLabel["worker /healthz"]).toMatchObject({ ok: true });
      expect(byLabel["challenge /feishu/events"]).toMatchObject({ ok: false, detail: expect.stringContaining("401") });
      expect(byLabel["challenge /feishu/cards"]).toMatchObject({ ok: false, fix: expect.stringContaining("FEISHU_VERIFICATION_TOKEN") });
    } finally {
      worker.fake.botEnabled = true;
      worker.fake.deniedScopes.clear();
      worker.fake.botChats.add("oc_office_group");
    }
  });

  it("the command reads .dev.vars, prints one line per check and the URLs to enter, and exits 1 on a failure", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duxue-doctor-"));
    try {
      const vars = join(dir, ".dev.vars");
      writeFileSync(
        join(dir, "people.csv"),
        "code,name,role,mobile,email\nS0001,王建国,supervisor,,wang@school.example\nS0002,李秀英,supervisor,13900000002,\n",
      );
      writeFileSync(
        vars,
        [`FEISHU_APP_ID=${options.appId}`, `FEISHU_APP_SECRET="${options.appSecret}"`, `FEISHU_VERIFICATION_TOKEN=${VERIFICATION_TOKEN}`, `FEISHU_ENCRYPT_KEY=${ENCRYPT_KEY}`, `FEISHU_BASE_URL=${options.baseUrl}`, "DIGEST_CHAT_ID=oc_not_a_group_of_the_bot"].join("\n"),
      );
      // asynchronously: the fake Feishu answers from this process
      const run = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        execFile(process.execPath, ["scripts/doctor.ts", "--env", vars, "--url", options.workerUrl!, "--roster", dir], { encoding: "utf8", timeout: 60_000 }, (error, stdout) =>
          resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout }),
        );
      });
      expect(run.stdout).toMatch(/^✓ tenant token/m);
      expect(run.stdout).toMatch(/^✗ DIGEST_CHAT_ID\s+the bot is not in oc_not_a_group_of_the_bot\n {4}fix: /m);
      expect(run.stdout).toContain(`请求地址: ${options.workerUrl!.replace(/\/$/, "")}/feishu/events`);
      expect(run.stdout).toContain("subscribe: im.message.receive_v1, application.bot.menu_v6, im.chat.access_event.bot_p2p_chat_entered_v1, im.chat.member.bot.added_v1, im.chat.member.bot.deleted_v1");
      expect(run.stdout).toContain("subscribe: card.action.trigger");
      expect(run.stdout).toContain("scopes (权限管理): im:message.p2p_msg:readonly, im:message.group_at_msg:readonly,");
      expect(run.stdout).toMatch(/^✗ contact range \(通讯录权限范围\)\s+1 of 2 roster people resolve; not found: S0002\n {4}fix: /m);
      expect(run.status).toBe(1);

      const who = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        execFile(process.execPath, ["scripts/doctor.ts", "--env", vars, "--whois", "wang@school.example"], { encoding: "utf8", timeout: 60_000 }, (error, stdout) =>
          resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout }),
        );
      });
      expect(who.stdout).toMatch(/^✓ whois\s+ou_wang\n {4}fix: .*npx wrangler secret put ADMIN_OPEN_IDS/m);
      expect(who.status).toBe(0);

      // a roster workbook: its people sheet (人员), here the template's example person (13800000001, the operator)
      const book = join(dir, "roster.xlsx");
      writeFileSync(book, await writeWorkbook(rosterTemplateSheets("zh")));
      const fromBook = await new Promise<{ stdout: string }>((resolve) => {
        execFile(process.execPath, ["scripts/doctor.ts", "--env", vars, "--roster", book], { encoding: "utf8", timeout: 60_000 }, (_error, stdout) => resolve({ stdout }));
      });
      expect(fromBook.stdout).toMatch(/^✓ contact range \(通讯录权限范围\)\s+1 of 1 roster people resolve$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
