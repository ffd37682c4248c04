import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { currentWeek, localDate } from "../../src/domain/time.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { jpegBytes, postImage, postPost, sha256, toChat } from "../support/photos.ts";
import { useWorker } from "../support/use-worker.ts";
import { TestClock } from "../support/test-clock.ts";
import { DEFAULT_BATCH_QUIET_MS } from "../../src/domain/photos.ts";

/**
 * Photos sent after a report attach to it with one answer; photos with no recent report wait for the sender's choice.
 * The batch's quiet wait runs on the test's clock (production's 4 s): each photo's work is held there until the test
 * moves the clock on, so "sent within the window" is a step of the test, not a race with the wall clock.
 */
describe("photo evidence", () => {
  let clock: TestClock;
  /** waits until the work of `n` photo messages is held in the quiet window, then ends the window */
  async function endQuietWindow(n: number) {
    await clock.waiting(n, "photos:quiet");
    clock.advance(DEFAULT_BATCH_QUIET_MS);
    await worker.settle();
  }
  const TZ = "Asia/Shanghai";
  const SUPERVISOR = "ou_sup_1";

  async function reportVisit(supervisor: string, openId: string, school: string): Promise<number> {
    const [row] = await worker.query<{ id: number }>(
      "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?, ?, ?, 'routine', 'planned', ?, ?) RETURNING id",
      currentWeek(Date.now(), TZ),
      supervisor,
      school,
      Date.now(),
      Date.now(),
    );
    const form: Record<string, unknown> = { visit_date: `${localDate(Date.now(), TZ)} +0800`, visit_kind: "routine", m_walkthrough: "1", findings: "整体良好" };
    const { answer } = await worker.click(openId, { action: "submit_report", form: 2, assignment_id: row!.id }, form);
    expect(answer.toast?.type).toBe("success");
    const [report] = await worker.query<{ id: number }>("SELECT id FROM reports WHERE assignment_id = ?", row!.id);
    return report!.id;
  }

  // the test's clock starts first (its url is one of the Worker's vars)
  beforeAll(async () => {
    clock = await new TestClock().start();
  });
  const worker = useWorker({ roster: true, vars: () => ({ TEST_CLOCK_URL: clock.url }), teardown: () => clock.stop() });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
  });

  it("three photos sent right after a report attach to it, with one answer for the batch; R2 holds the bytes, D1 the rows", async () => {
    const reportId = await reportVisit("S001", SUPERVISOR, "SCH001");
    const before = worker.fake.messages.length;
    const images = [jpegBytes(1), jpegBytes(2), jpegBytes(3, 5000)];
    const posted = await Promise.all(images.map((bytes) => postImage(worker, SUPERVISOR, bytes)));
    expect(posted.map((p) => p.response.status)).toEqual([200, 200, 200]);
    // all three are stored and waiting; nothing is answered before the window ends, one answer after it
    await clock.waiting(3, "photos:quiet");
    expect(toChat(worker, SUPERVISOR, before)).toEqual([]);
    expect(await worker.count("photos", "subject_kind = 'report' AND subject_id = ? AND answered_at IS NULL", reportId)).toBe(3);
    clock.advance(DEFAULT_BATCH_QUIET_MS - 1);
    expect(clock.holding("photos:quiet")).toBe(3);
    clock.advance(1);
    await worker.settle();

    const answers = toChat(worker, SUPERVISOR, before);
    expect(answers).toHaveLength(1);
    const date = localDate(Date.now(), TZ);
    const dateText = `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
    expect(FakeFeishu.textOf(answers[0]!)).toContain(`已为 日照市实验小学 ${dateText} 的督导报告添加 3 张照片`);
    const shownKeys = FakeFeishu.imageKeysOf(answers[0]!.content);
    expect(shownKeys).toHaveLength(3);
    for (const key of shownKeys) expect(worker.fake.uploadedImages.has(key)).toBe(true);

    const rows = await worker.query<Record<string, unknown>>("SELECT * FROM photos WHERE subject_kind = 'report' AND subject_id = ? ORDER BY id", reportId);
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.sha256).sort()).toEqual(images.map(sha256).sort());
    for (const row of rows) expect(row).toMatchObject({ state: "attached", sender_code: "S001", content_type: "image/jpeg" });
    expect(rows.map((r) => r.size).sort()).toEqual([2048, 2048, 5000]);
    const bucket = await worker.photos();
    for (const bytes of images) {
      const object = await bucket.get(`photos/${sha256(bytes)}`);
      expect(object).not.toBeNull();
      expect(new Uint8Array(await object!.arrayBuffer())).toEqual(bytes);
    }
    // Downloads went through the resource API as images.
    const downloads = worker.fake.calls.filter((c) => c.path.includes("/resources/"));
    expect(downloads).toHaveLength(3);
    expect(downloads.every((c) => c.query.type === "image")).toBe(true);

    // The report's summary card shows them.
    const [assignment] = await worker.query<{ assignment_id: number }>("SELECT assignment_id FROM reports WHERE id = ?", reportId);
    const since = worker.fake.messages.length;
    await worker.click(SUPERVISOR, { action: "open_report", assignment_id: assignment!.assignment_id });
    const [summary] = toChat(worker, SUPERVISOR, since);
    expect(FakeFeishu.textOf(summary!)).toContain("照片（3 张）");
    expect(FakeFeishu.imageKeysOf(summary!.content).sort()).toEqual([...shownKeys].sort());
    // uploaded once: showing again uploads nothing
    expect(worker.fake.calls.filter((c) => c.path === "/open-apis/im/v1/images")).toHaveLength(3);
  });

  it("a redelivered image event stores nothing twice, and the same photo sent again is stored once", async () => {
    const reportId = await reportVisit("S001", SUPERVISOR, "SCH002");
    const bytes = jpegBytes(10);
    const first = await postImage(worker, SUPERVISOR, bytes);
    await endQuietWindow(1);
    const snapshot = await worker.snapshot();
    const answersBefore = worker.fake.messages.length;
    // Feishu redelivers the same event (same event_id and message_id).
    await worker.post("/feishu/events", first.payload);
    await worker.settle();
    expect(await worker.snapshot()).toEqual(snapshot);
    expect(worker.fake.messages.length).toBe(answersBefore);

    // The person sends the same picture again as a new message: still one stored photo, and they are told.
    const again = worker.fake.messages.length;
    await postImage(worker, SUPERVISOR, bytes);
    await endQuietWindow(1);
    expect(await worker.count("photos", "subject_kind = 'report' AND subject_id = ? AND state = 'attached'", reportId)).toBe(1);
    const [answer] = toChat(worker, SUPERVISOR, again);
    expect(FakeFeishu.textOf(answer!)).toContain("1 张照片此前已添加过，未重复保存");
  });

  it("photos with no recent report are held; the choosing card lists reports and open orders, and the click attaches them", async () => {
    // S003 reported long ago (older than 30 minutes): photos now are not attached to it.
    const hourAgo = Date.now() - 3_600_000;
    const [old] = await worker.query<{ id: number }>(
      `INSERT INTO reports (school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, submission_key, created_at, updated_at)
       VALUES ('SCH005', 'S003', ?, ?, 'routine', '{}', 1, 'S003', 'old-visit', ?, ?) RETURNING id`,
      currentWeek(hourAgo, TZ),
      localDate(hourAgo, TZ),
      hourAgo,
      hourAgo,
    );
    await worker.query("INSERT INTO report_versions (report_id, version, data, submitted_by, submitted_at) VALUES (?, 1, '{}', 'S003', ?)", old!.id, hourAgo);
    await worker.say("ou_mgr_1", "督办 东港区第三中学 7天 食堂卫生整改");
    const [order] = await worker.query<{ id: number; number: string }>("SELECT id, number FROM orders WHERE school_code = 'SCH005' ORDER BY id DESC LIMIT 1");
    const before = worker.fake.messages.length;
    const { response } = await postPost(worker, "ou_sup_3", [jpegBytes(20), jpegBytes(21)]);
    expect(response.status).toBe(200);
    await endQuietWindow(1);
    const answers = toChat(worker, "ou_sup_3", before);
    expect(answers).toHaveLength(1);
    const card = JSON.stringify(answers[0]!.content);
    expect(FakeFeishu.textOf(answers[0]!)).toContain("您发送了 2 张照片");
    expect(card).toContain(`"photo_attach"`);
    expect(FakeFeishu.textOf(answers[0]!)).toContain("东港区第三中学");
    expect(FakeFeishu.textOf(answers[0]!)).toContain(order!.number);
    expect(await worker.count("photos", "sender_code = 'S003' AND state = 'held'")).toBe(2);

    const { answer } = await worker.click("ou_sup_3", { action: "photo_attach", kind: "order", id: order!.id });
    expect(answer.toast).toMatchObject({ type: "success", content: "已添加 2 张照片" });
    expect(JSON.stringify(answer.card?.data)).toContain("添加 2 张照片");
    expect(FakeFeishu.imageKeysOf(answer.card?.data)).toHaveLength(2);
    expect(await worker.count("photos", "subject_kind = 'order' AND subject_id = ? AND state = 'attached'", order!.id)).toBe(2);
    expect(await worker.count("photos", "sender_code = 'S003' AND state = 'held'")).toBe(0);

    // A second click finds nothing waiting and changes nothing.
    const again = await worker.click("ou_sup_3", { action: "photo_attach", kind: "order", id: order!.id });
    expect(again.answer.toast?.type).toBe("info");
    expect(await worker.count("photos", "subject_kind = 'order' AND subject_id = ?", order!.id)).toBe(2);

    // The order's card shows them.
    const { replies } = await worker.say("ou_mgr_1", `查看 ${order!.number}`);
    expect(FakeFeishu.imageKeysOf(replies[0]!.content)).toHaveLength(2);
  });

  it("the weekly digest's serious problems say how many photos each has", async () => {
    const week = "2026-W10";
    const [report] = await worker.query<{ id: number }>(
      "INSERT INTO reports (school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, submission_key, created_at, updated_at) VALUES ('SCH004', 'S002', ?, '2026-03-04', 'routine', '{}', 1, 'S002', 'digest-photos', 1, 1) RETURNING id",
      week,
    );
    for (const [description, photos] of [["围墙破损，存在安全隐患", 2], ["消防通道被杂物堵塞", 0]] as const) {
      await worker.query(
        "INSERT INTO problems (report_id, school_code, week, item, description, severity, fixed_on_spot, created_at) VALUES (?, 'SCH004', ?, 'safety', ?, 'serious', 0, 1)",
        photos ? report!.id : 0,
        week,
        description,
      );
    }
    for (const seed of [1, 2]) {
      await worker.query(
        "INSERT INTO photos (dedupe_key, subject_kind, subject_id, state, sender_code, message_id, file_key, sha256, size, content_type, r2_key, received_at) VALUES (?, 'report', ?, 'attached', 'S002', ?, 'k', 'x', 1, 'image/jpeg', 'photos/x', 1)",
        `digest:${seed}`,
        report!.id,
        `om_digest_${seed}`,
      );
    }
    // a photo of another report, and one refused for this report, are not counted
    for (const [key, subjectId, state] of [["digest:other", report!.id + 1000, "attached"], ["digest:refused", report!.id, "refused"]] as const) {
      await worker.query(
        "INSERT INTO photos (dedupe_key, subject_kind, subject_id, state, sender_code, message_id, file_key, sha256, size, content_type, r2_key, received_at) VALUES (?, 'report', ?, ?, 'S002', ?, 'k', 'x', 1, 'image/jpeg', 'photos/x', 1)",
        key,
        subjectId,
        state,
        `om_${key}`,
      );
    }
    const { replies } = await worker.say("ou_mgr_1", `周报 ${week}`);
    const text = FakeFeishu.textOf(replies[0]!);
    expect(text).toContain("阳光幼儿园 · 校园及周边安全、学生交通安全 · 围墙破损，存在安全隐患 · 照片 2 张");
    expect(text).toMatch(/消防通道被杂物堵塞(?! · 照片)/);
  });
});
