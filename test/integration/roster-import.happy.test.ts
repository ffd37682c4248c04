import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { FIXTURE_ROSTER } from "../support/roster.ts";
import { ADMIN_OPEN_ID, messageEvent } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";

/** Importing the roster by sending CSV files to the bot, as an office would on day one. */
describe("roster import through chat", () => {
  let counter = 0;

  async function sendFile(openId: string, fileName: string, content: string, chatType: "p2p" | "group" = "p2p") {
    const messageId = `om_file_${++counter}`;
    const fileKey = `file_v3_${counter}`;
    worker.fake.addFile(messageId, fileKey, fileName, content);
    const before = worker.fake.messages.length;
    const response = await worker.post(
      "/feishu/events",
      messageEvent({
        eventId: worker.nextEventId(),
        messageId,
        openId,
        chatType,
        messageType: "file",
        content: { file_key: fileKey, file_name: fileName },
        mentions: chatType === "group" ? [{ key: "@_user_1", id: { open_id: worker.fake.botOpenId } }] : [],
      }),
    );
    expect(response.status).toBe(200);
    await worker.settle();
    return worker.fake.messages.slice(before).map((m) => FakeFeishu.textOf(m)).join("\n");
  }
  const fixture = (name: string) => readFileSync(join(FIXTURE_ROSTER, name), "utf8");

  const worker = useWorker({
    setup: async () => {
      worker.fake.directory.set("emily@example.edu.cn", "ou_emily_resolved");
    },
  });

  it("imports zones, people and schools in order and summarises each file", async () => {
    const zones = await sendFile(ADMIN_OPEN_ID, "zones.csv", fixture("zones.csv"));
    expect(zones).toContain("✅ 已导入 zones.csv（责任区）：新增 2 行，更新 0 行，未变 0 行。");
    expect(zones).toContain("下一步：发送 people.csv。");

    const people = await sendFile(ADMIN_OPEN_ID, "people.csv", fixture("people.csv"));
    expect(people).toContain("新增 6 行");
    expect(people).toContain("已通过手机号/邮箱匹配 1 人的飞书账号。");
    expect(people).toContain("学校 SCH001 尚未导入");
    const [emily] = await worker.query<{ open_id: string; lang: string }>("SELECT open_id, lang FROM people WHERE code = 'S004'");
    expect(emily).toEqual({ open_id: "ou_emily_resolved", lang: "en" });
    const lookups = worker.fake.calls.filter((c) => c.path === "/open-apis/contact/v3/users/batch_get_id");
    expect(lookups).toHaveLength(1);
    expect(lookups[0]!.body).toEqual({ mobiles: [], emails: ["emily@example.edu.cn"] });

    const schools = await sendFile(ADMIN_OPEN_ID, "schools.csv", fixture("schools.csv"));
    expect(schools).toContain("新增 8 行");
    expect(await worker.count("schools")).toBe(8);
    const [school] = await worker.query("SELECT name, zone_code, supervisor_code, stage, ownership, visits_per_month FROM schools WHERE code = 'SCH004'");
    expect(school).toEqual({ name: "阳光幼儿园", zone_code: "Z01", supervisor_code: "S002", stage: "kindergarten", ownership: "private", visits_per_month: 1 });
  });

  it("changes nothing when the same file is imported again, and counts a real update", async () => {
    // roster files are an administrator's (issue 13): M001 imports from here on as the office's admin
    await worker.query("UPDATE people SET role = 'admin' WHERE code = 'M001'");
    const again = await sendFile("ou_mgr_1", "schools.csv", fixture("schools.csv"));
    expect(again).toContain("新增 0 行，更新 0 行，未变 8 行");
    const renamed = fixture("schools.csv").replace("阳光幼儿园", "阳光实验幼儿园");
    const update = await sendFile("ou_mgr_1", "schools.csv", renamed);
    expect(update).toContain("新增 0 行，更新 1 行，未变 7 行");
    const [school] = await worker.query<{ name: string }>("SELECT name FROM schools WHERE code = 'SCH004'");
    expect(school!.name).toBe("阳光实验幼儿园");
  });

  it("refuses a file with a bad row, imports nothing, and names each bad row", async () => {
    const before = await worker.snapshot();
    const bad = [
      "code,name,zone_code,supervisor_code,stage,ownership,address,visits_per_month",
      "SCH100,新学校,Z09,S001,primary,public,,1",
      "SCH101,另一所,Z01,S999,primary,public,,1",
      "SCH102,第三所,Z01,S001,university,public,,0",
      "SCH103,正常的学校,Z01,S001,primary,public,,1",
    ].join("\n");
    const answer = await sendFile("ou_mgr_1", "schools.csv", bad);
    expect(answer).toContain("❌ schools.csv 有 4 处错误，未导入任何数据");
    expect(answer).toContain("schools.csv 第 2 行：责任区编号 Z09 不存在");
    expect(answer).toContain("schools.csv 第 3 行：督学编号 S999 不存在或不是责任督学");
    expect(answer).toContain("schools.csv 第 4 行：学段「university」无效");
    expect(answer).toContain("schools.csv 第 4 行：每月督导次数「0」无效（应为 1–8 的整数）");
    const after = await worker.snapshot();
    expect(after.schools).toBe(before.schools);
    expect(await worker.count("schools", "code = 'SCH103'")).toBe(0);
  });

  it("answers in English for an English-speaking manager", async () => {
    await worker.query("UPDATE people SET lang = 'en' WHERE code = 'M001'");
    const answer = await sendFile("ou_mgr_1", "zones.csv", "code,name,level\nZ01,市第一责任区,province");
    expect(answer).toContain('zones.csv line 2: level "province" is not city or district');
    await worker.query("UPDATE people SET lang = 'zh' WHERE code = 'M001'");
  });

  it("imports the school calendar from calendar.csv, refusing a bad file whole", async () => {
    const bad = await sendFile("ou_mgr_1", "calendar.csv", "kind,name,start_date,end_date\nterm,秋季学期,2026-09-01,2027-01-22\nvacation,寒假,2027-01-23,2027-02-21");
    expect(bad).toContain("校历有 1 处错误，未导入任何内容");
    expect(await worker.count("calendar_periods")).toBe(0);
    const good = await sendFile("ou_mgr_1", "2026校历.csv", fixture("../calendar.csv"));
    expect(good).toMatch(/已导入 \d+ 条校历。/);
    expect(await worker.count("calendar_periods", "kind = 'break' AND name = '寒假' AND start_date = '2027-01-23'")).toBe(1);
  });

  it("refuses imports from supervisors, in groups, and of unknown files", async () => {
    const before = await worker.snapshot();
    expect(await sendFile("ou_sup_1", "zones.csv", fixture("zones.csv"))).toContain("只有管理员可以导入名册。");
    expect(await sendFile("ou_mgr_1", "zones.csv", fixture("zones.csv"), "group")).toContain("请在与督学助手的单聊中发送名册文件。");
    expect(await sendFile("ou_mgr_1", "photo.png", "binary")).toContain("无法识别文件「photo.png」");
    expect(await sendFile("ou_mgr_1", "people.csv", "\u0000\u00ff\u00fe")).toContain("people.csv");
    const after = await worker.snapshot();
    expect({ ...after, outbox: 0, processed_events: 0 }).toEqual({ ...before, outbox: 0, processed_events: 0 });
  });
});

describe("roster imported without open_ids (npm run roster)", () => {
  const worker = useWorker({
    setup: async () => {
      const { seedRoster } = await import("../support/roster.ts");
      await seedRoster(worker);
      await worker.query("UPDATE people SET open_id = NULL WHERE code IN ('S001', 'S002')");
    },
  });

  it("resolves open_ids from mobiles in the 5-minute job and remembers misses for a day", async () => {
    worker.fake.directory.set("13800000001", "ou_sup_1_resolved");
    await worker.runCron("*/5 * * * *", new Date());
    const rows = await worker.query<{ code: string; open_id: string | null }>("SELECT code, open_id FROM people WHERE code IN ('S001', 'S002', 'S004') ORDER BY code");
    expect(rows).toEqual([
      { code: "S001", open_id: "ou_sup_1_resolved" },
      { code: "S002", open_id: null },
      { code: "S004", open_id: null },
    ]);
    const lookups = () => worker.fake.calls.filter((c) => c.path === "/open-apis/contact/v3/users/batch_get_id").length;
    const before = lookups();
    await worker.runCron("*/5 * * * *", new Date());
    expect(lookups()).toBe(before);
  });
});
