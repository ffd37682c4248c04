import { beforeEach, describe, expect, it } from "vitest";
import { addDays, currentWeek, daysBetween, localDate } from "../../src/domain/time.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { jpegBytes, sha256 } from "../support/photos.ts";
import { useWorker } from "../support/use-worker.ts";
import { sameShanghaiDay } from "../support/dates.ts";

/** Every tagged object of a card: what Feishu counts against its 200-element limit. */
function countElements(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((sum: number, item) => sum + countElements(item), 0);
  if (!node || typeof node !== "object") return 0;
  const own = "tag" in node ? 1 : 0;
  return own + Object.entries(node).reduce((sum, [key, value]) => sum + (key === "header" ? 0 : countElements(value)), 0);
}

/** `学校` / `school`: one school's file, per role, refused for other schools, bounded for a long history. */
describe("the school's file (督导档案)", () => {
  const TZ = "Asia/Shanghai";
  const today = () => localDate(Date.now(), TZ);
  /** the Shanghai day the scenario was seeded (its visit dated that day, its order due 3 days before it) */
  let seededOn = "";

  const worker = useWorker({
    roster: true,
    setup: async () => {
      const now = Date.now();
      seededOn = localDate(now, TZ);
      // SCH001: one reported visit with a serious problem and its rectification item, one open order, and two photos in R2 not yet uploaded to Feishu.
      const week = currentWeek(now, TZ);
      const [assignment] = await worker.query<{ id: number }>(
        "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?, 'S001', 'SCH001', 'routine', 'reported', ?, ?) RETURNING id",
        week,
        now,
        now,
      );
      const [report] = await worker.query<{ id: number }>(
        "INSERT INTO reports (assignment_id, school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, submission_key, created_at, updated_at) VALUES (?, 'SCH001', 'S001', ?, ?, 'routine', '{}', 1, 'S001', 'k1', ?, ?) RETURNING id",
        assignment!.id,
        week,
        seededOn,
        now,
        now,
      );
      await worker.query(
        "INSERT INTO problems (report_id, school_code, week, item, description, severity, fixed_on_spot, deadline, created_at) VALUES (?, 'SCH001', ?, 'safety', '围墙破损，存在安全隐患', 'serious', 0, ?, ?)",
        report!.id,
        week,
        addDays(seededOn, 14),
        now,
      );
      await worker.query(
        "INSERT INTO orders (number, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, updated_at) VALUES ('督办〔2026〕7号', 'order', 2026, 7, 'SCH001', '围墙整改', ?, 'issued', 'M001', ?, ?)",
        addDays(seededOn, -3),
        now,
        now,
      );
      const bucket = await worker.photos();
      for (const seed of [1, 2]) {
        const bytes = jpegBytes(seed);
        await bucket.put(`photos/${sha256(bytes)}`, bytes);
        await worker.query(
          "INSERT INTO photos (dedupe_key, subject_kind, subject_id, state, sender_code, message_id, file_key, sha256, size, content_type, r2_key, received_at) VALUES (?, 'report', ?, 'attached', 'S001', ?, 'img_user', ?, ?, 'image/jpeg', ?, ?)",
          `report:${report!.id}:${sha256(bytes)}`,
          report!.id,
          `om_seed_${seed}`,
          sha256(bytes),
          bytes.byteLength,
          `photos/${sha256(bytes)}`,
          now,
        );
      }
    },
  });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
  });

  it("the nameplate supervisor sees the school's visits, problems, orders and latest photos", async () => {
    // asked within one Shanghai day (again if midnight passed meanwhile); the order is 3 days overdue on the seed day, more after it
    const { replies, day } = await sameShanghaiDay(async (day) => ({ ...(await worker.say("ou_sup_1", "学校 SCH001")), day }));
    expect(replies).toHaveLength(1);
    const text = FakeFeishu.textOf(replies[0]!);
    expect(text).toContain("督导档案 · 日照市实验小学（SCH001）");
    expect(text).toContain("王建国（S001）");
    expect(text).toContain("市第一责任区");
    expect(text).toContain(`${seededOn} · 常规督导 · 已提交报告`);
    expect(text).toContain("严重 · 校园及周边安全、学生交通安全 · 围墙破损，存在安全隐患 · 未整改");
    expect(text).toContain("督办〔2026〕7号 · 已下发");
    expect(text).toContain(`逾期 ${3 + daysBetween(seededOn, day)} 天`);
    expect(text).toContain("最新照片（2/2 张）");
    // the photos were uploaded to Feishu once, and the card shows those keys
    const keys = FakeFeishu.imageKeysOf(replies[0]!.content);
    expect(keys).toHaveLength(2);
    expect(await worker.count("photos", "image_key IS NOT NULL")).toBe(2);
    await worker.say("ou_sup_1", "school 日照市实验小学");
    expect(worker.fake.calls.filter((c) => c.path === "/open-apis/im/v1/images")).toHaveLength(2);
  });

  it("a school contact sees their own school (also with no argument), managers any; others are refused", async () => {
    const own = await worker.say("ou_contact_1", "学校");
    expect(FakeFeishu.textOf(own.replies[0]!)).toContain("督导档案 · 日照市实验小学（SCH001）");
    const other = await worker.say("ou_contact_1", "学校 SCH002");
    expect(other.texts[0]).toBe("您不能查看「日照市第一中学」的督导档案：责任督学可查看挂牌督导的学校，学校联系人可查看本校。");
    const notHis = await worker.say("ou_sup_3", "学校 日照市实验小学");
    expect(notHis.texts[0]).toContain("您不能查看「日照市实验小学」的督导档案");
    const manager = await worker.say("ou_mgr_1", "school SCH005");
    expect(FakeFeishu.textOf(manager.replies[0]!)).toContain("督导档案 · 东港区第三中学（SCH005）");
    const unknown = await worker.say("ou_mgr_1", "学校 不存在的学校");
    expect(unknown.texts[0]).toBe("没有找到学校「不存在的学校」。请写学校编号或名称。");
    const usage = await worker.say("ou_sup_1", "学校");
    expect(usage.texts[0]).toContain("用法：学校 <学校名称或编号>");
  });

  it("a name matching several schools lists them, as order issuing does", async () => {
    const { texts } = await worker.say("ou_mgr_1", "学校 实验小学");
    expect(texts[0]).toContain("「实验小学」对应多所学校");
    expect(texts[0]).toContain("日照市实验小学（SCH001）");
    expect(texts[0]).toContain("日照市第二实验小学（SCH003）");
  });

  it("a school with a long history gets one card within Feishu's limits, with the newest rows and the counts of all", async () => {
    const now = Date.now();
    const weeks = Array.from({ length: 120 }, (_, i) => ({ week: currentWeek(now - i * 7 * 86_400_000, TZ), status: i % 3 ? "reported" : "missed" }));
    await worker.query(
      `INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at)
       SELECT json_extract(value, '$.week'), 'S002', 'SCH003', 'routine', json_extract(value, '$.status'), ?2, ?2 FROM json_each(?1) WHERE true ON CONFLICT DO NOTHING`,
      JSON.stringify(weeks),
      now,
    );
    const [report] = await worker.query<{ id: number }>(
      "INSERT INTO reports (school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, submission_key, created_at, updated_at) VALUES ('SCH003', 'S002', ?, ?, 'complaint', '{}', 1, 'S002', 'long', ?, ?) RETURNING id",
      currentWeek(now, TZ),
      today(),
      now,
      now,
    );
    const numbers = JSON.stringify(Array.from({ length: 300 }, (_, i) => i));
    await worker.query(
      `INSERT INTO problems (report_id, school_code, week, item, description, severity, fixed_on_spot, created_at)
       SELECT ?1, 'SCH003', '2026-W01', 'hygiene', '问题描述 ' || value || ' ' || ?3, 'general', value % 2, ?2 FROM json_each(?4)`,
      report!.id,
      now,
      "很长的说明".repeat(40),
      numbers,
    );
    await worker.query(
      `INSERT INTO orders (number, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, updated_at)
       SELECT '督办〔2025〕' || (value + 1) || '号', 'order', 2025, value + 1, 'SCH003', 'x', '2025-06-01', CASE WHEN value % 5 = 0 THEN 'issued' ELSE 'closed' END, 'M001', ?1, ?1
       FROM json_each(?2) WHERE value < 150`,
      now,
      numbers,
    );

    const { replies } = await worker.say("ou_sup_2", "学校 SCH003");
    expect(replies).toHaveLength(1);
    const text = FakeFeishu.textOf(replies[0]!);
    expect(text).toContain("督导档案 · 日照市第二实验小学（SCH003）");
    expect(text).toContain("发现问题（未整改 150 · 已整改 150）");
    expect(text).toContain("……另有 292 条");
    expect(text).toContain("督导文书（共 150 件 · 未结 30 · 逾期 30）");
    expect(text).toContain("……另有 142 条");
    expect(countElements(replies[0]!.content)).toBeLessThanOrEqual(200);
    expect(Buffer.byteLength(JSON.stringify(JSON.stringify(replies[0]!.content)))).toBeLessThan(30 * 1024);
  });
});
