import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDoctor, type DoctorOptions } from "../../scripts/lib/doctor-checks.ts";
import { ENCRYPT_KEY, TestWorker, VERIFICATION_TOKEN } from "../support/worker.ts";

/** `npm run doctor` against the fake Feishu and the Worker on workerd: every line a deployer would read. */
describe("npm run doctor", () => {
  let worker: TestWorker;
  let options: DoctorOptions;

  beforeAll(async () => {
    worker = await TestWorker.start({ directSocket: true });
    worker.fake.botChats.add("oc_office_group");
    options = {
      appId: worker.fake.appId,
      appSecret: worker.fake.appSecret,
      verificationToken: VERIFICATION_TOKEN,
      encryptKey: ENCRYPT_KEY,
      baseUrl: worker.fake.url,
      digestChatId: "oc_office_group",
      workerUrl: (await worker.directUrl("/")).toString(),
    };
  });
  afterAll(() => worker.stop());

  it("a working deployment passes every check, and nothing is sent to anyone", async () => {
    const lines = await runDoctor(options);
    expect(lines.map((l) => [l.label, l.ok])).toEqual([
      ["tenant token", true],
      ["bot capability", true],
      ["scope contact:user.id:readonly", true],
      ["DIGEST_CHAT_ID", true],
      ["worker /healthz", true],
      ["challenge /feishu/events", true],
      ["challenge /feishu/cards", true],
    ]);
    expect(worker.fake.messages).toEqual([]);
  });

  it("each broken part is named with its fix", async () => {
    const wrongSecret = await runDoctor({ ...options, appSecret: "wrong", workerUrl: undefined });
    expect(wrongSecret).toEqual([expect.objectContaining({ label: "tenant token", ok: false, fix: expect.stringContaining("FEISHU_APP_SECRET") })]);

    worker.fake.botEnabled = false;
    worker.fake.deniedScopes.add("contact:user.id:readonly");
    worker.fake.botChats.clear();
    try {
      const lines = await runDoctor({ ...options, verificationToken: "not-the-token" });
      const byLabel = Object.fromEntries(lines.map((l) => [l.label, l]));
      expect(byLabel["bot capability"]).toMatchObject({ ok: false, fix: expect.stringContaining("机器人") });
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
        vars,
        [`FEISHU_APP_ID=${options.appId}`, `FEISHU_APP_SECRET="${options.appSecret}"`, `FEISHU_VERIFICATION_TOKEN=${VERIFICATION_TOKEN}`, `FEISHU_ENCRYPT_KEY=${ENCRYPT_KEY}`, `FEISHU_BASE_URL=${options.baseUrl}`, "DIGEST_CHAT_ID=oc_not_a_group_of_the_bot"].join("\n"),
      );
      // asynchronously: the fake Feishu answers from this process
      const run = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        execFile(process.execPath, ["scripts/doctor.ts", "--env", vars, "--url", options.workerUrl!], { encoding: "utf8", timeout: 60_000 }, (error, stdout) =>
          resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout }),
        );
      });
      expect(run.stdout).toMatch(/^✓ tenant token/m);
      expect(run.stdout).toMatch(/^✗ DIGEST_CHAT_ID\s+the bot is not in oc_not_a_group_of_the_bot\n {4}fix: /m);
      expect(run.stdout).toContain(`请求地址: ${options.workerUrl!.replace(/\/$/, "")}/feishu/events`);
      expect(run.stdout).toContain("subscribe: im.message.receive_v1, application.bot.menu_v6, im.chat.access_event.bot_p2p_chat_entered_v1, im.chat.member.bot.added_v1, im.chat.member.bot.deleted_v1");
      expect(run.stdout).toContain("subscribe: card.action.trigger");
      expect(run.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
