import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { jpegBytes, postImage, sha256, toChat } from "../support/photos.ts";
import { useWorker } from "../support/use-worker.ts";
import { expectRefusedClick } from "../support/refusal.ts";
import { TestClock } from "../support/test-clock.ts";
import { DEFAULT_BATCH_QUIET_MS } from "../../src/domain/photos.ts";

/**
 * Limits answer clearly and store nothing they refuse; nobody attaches photos to what is not theirs.
 * The batch's quiet wait runs on the test's clock (as in photos.happy.test.ts): the test ends it when every photo is in.
 */
describe("photo evidence limits and refusals", () => {
  let clock: TestClock;
  /** waits until the work of `n` photo messages is held in the quiet window, then ends the window */
  async function endQuietWindow(n: number) {
    await clock.waiting(n, "photos:quiet");
    clock.advance(DEFAULT_BATCH_QUIET_MS);
    await worker.settle();
  }
  const CONTACT = "ou_contact_1";

  /** The school contact of SCH001 reports rectification of a fresh order: photos in the next 30 minutes go to it. */
  async function reportedOrder(): Promise<{ id: number; number: string }> {
    await worker.say("ou_mgr_1", "督办 日照市实验小学 7天 围墙破损整改");
    const [order] = await worker.query<{ id: number; number: string }>("SELECT id, number FROM orders WHERE school_code = 'SCH001' ORDER BY id DESC LIMIT 1");
    const { answer } = await worker.click(CONTACT, { action: "order_report", number: order!.number }, { done: "围墙已修复", result: "done" });
    expect(answer.toast?.type).toBe("success");
    return order!;
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

  it("at most 9 photos per report: a batch of 11 attaches 9 and says 2 were not added; the verifying manager sees them", async () => {
    const order = await reportedOrder();
    const before = worker.fake.messages.length;
    const images = Array.from({ length: 11 }, (_, i) => jpegBytes(100 + i));
    await Promise.all(images.map((bytes) => postImage(worker, CONTACT, bytes)));
    await endQuietWindow(11);
    expect(await worker.count("photos", "subject_kind = 'order' AND subject_id = ? AND state = 'attached'", order.id)).toBe(9);
    const answers = toChat(worker, CONTACT, before);
    expect(answers).toHaveLength(1);
    const text = FakeFeishu.textOf(answers[0]!);
    expect(text).toContain(`已为 ${order.number}（日照市实验小学）的整改报告添加 9 张照片`);
    expect(text).toContain("2 张照片未添加：每份报告最多 9 张照片");
    expect(FakeFeishu.imageKeysOf(answers[0]!.content)).toHaveLength(9);
    // The issuing manager, who verifies and closes, gets the photos with the order.
    const toManager = toChat(worker, "ou_mgr_1", before);
    expect(toManager).toHaveLength(1);
    expect(FakeFeishu.textOf(toManager[0]!)).toContain(`${order.number} 整改报告的照片`);
    expect(FakeFeishu.imageKeysOf(toManager[0]!.content)).toHaveLength(9);
    // The card stays within Feishu's limits (the fake refuses unknown image keys and cards over 30 KB).
    expect(worker.fake.calls.filter((c) => c.path === "/open-apis/im/v1/messages" && c.status !== 200)).toHaveLength(0);

    // One more later: refused, nothing downloaded for it, nothing stored.
    const later = worker.fake.messages.length;
    const downloads = worker.fake.calls.filter((c) => c.path.includes("/resources/")).length;
    await postImage(worker, CONTACT, jpegBytes(200));
    await endQuietWindow(1);
    expect(FakeFeishu.textOf(toChat(worker, CONTACT, later)[0]!)).toContain("1 张照片未添加：每份报告最多 9 张照片");
    expect(worker.fake.calls.filter((c) => c.path.includes("/resources/")).length).toBe(downloads);
    expect(await (await worker.photos()).head(`photos/${sha256(jpegBytes(200))}`)).toBeNull();
  });

  it("a photo over 10 MB and a file that is not an image are refused with a clear answer and not stored", async () => {
    const order = await reportedOrder();
    const before = worker.fake.messages.length;
    // over 10,000,000 bytes though under 10 MiB: Feishu's "10 MB" taken strictly
    const big = jpegBytes(300, 10_000_001);
    const notImage = new TextEncoder().encode("this is not a picture at all");
    await Promise.all([postImage(worker, CONTACT, big), postImage(worker, CONTACT, notImage)]);
    await endQuietWindow(2);
    const answers = toChat(worker, CONTACT, before);
    expect(answers).toHaveLength(1);
    const text = FakeFeishu.textOf(answers[0]!);
    expect(text).toContain("1 张照片超过 10 MB，未保存");
    expect(text).toContain("1 个文件不是可识别的图片");
    expect(await worker.count("photos", "subject_kind = 'order' AND subject_id = ? AND state = 'attached'", order.id)).toBe(0);
    const bucket = await worker.photos();
    expect(await bucket.head(`photos/${sha256(big)}`)).toBeNull();
    expect(await bucket.head(`photos/${sha256(notImage)}`)).toBeNull();
  });

  it("nobody attaches held photos to someone else's report or order; strangers' photos are not stored", async () => {
    // S002 holds a photo (no recent report); the order of SCH001 is not S002's school.
    await postImage(worker, "ou_sup_2", jpegBytes(400));
    await endQuietWindow(1);
    expect(await worker.count("photos", "sender_code = 'S002' AND state = 'held'")).toBe(1);
    const [order] = await worker.query<{ id: number }>("SELECT id FROM orders WHERE school_code = 'SCH001' ORDER BY id LIMIT 1");
    const [report] = await worker.query<{ id: number }>("INSERT INTO reports (school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, submission_key, created_at, updated_at) VALUES ('SCH001', 'S001', '2026-W01', '2026-01-02', 'routine', '{}', 1, 'S001', 'someone-else', 1, 1) RETURNING id");
    const snapshot = await worker.snapshot();
    for (const value of [
      { action: "photo_attach", kind: "order", id: order!.id },
      { action: "photo_attach", kind: "report", id: report!.id },
    ]) {
      const { answer } = await worker.click("ou_sup_2", value);
      expect(answer.toast).toMatchObject({ type: "error", content: "您不能为这份报告或督导文书添加照片。" });
    }
    // malformed or unknown targets: a refusal the user can read (not the crash toast, no error logged)
    for (const value of [{ action: "photo_attach", kind: "school", id: 1 }, { action: "photo_attach", kind: "report", id: "1; DROP" }, { action: "photo_attach", kind: "report", id: 999999 }]) {
      await expectRefusedClick(worker, "ou_sup_2", value, /这张卡片已失效|您不能为这份报告或督导文书添加照片/);
    }
    expect(await worker.snapshot()).toEqual(snapshot);

    const before = worker.fake.messages.length;
    await postImage(worker, "ou_stranger", jpegBytes(401));
    await worker.settle();
    expect(FakeFeishu.textOf(toChat(worker, "ou_stranger", before)[0]!)).toContain("不在督学助手的名册中");
    expect(await worker.count("photos")).toBe(Math.trunc(snapshot.photos!));
    expect(worker.fake.calls.filter((c) => c.path.includes("/resources/"))).toHaveLength(1);
  });
});
