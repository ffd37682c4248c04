import { beforeAll, describe, expect, it } from "vitest";
import { currentWeek, localDate } from "../../src/domain/time.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { jpegBytes, postPost } from "../support/photos.ts";
import { cardActionEvent } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";
import { TestClock } from "../support/test-clock.ts";
import { DEFAULT_BATCH_QUIET_MS } from "../../src/domain/photos.ts";
import { CARD_UPDATE_MAX_AGE_MS } from "../../src/delivery/give-up.ts";

/**
 * A card callback answers without waiting for Feishu's image upload (Feishu shows an error after 3 s):
 * the fake holds every upload until the test lets it go, and the answer has already come.
 * The batch's quiet wait runs on the test's clock (as in photos.happy.test.ts).
 */
describe("photo uploads never hold a card callback's answer", () => {
  const TZ = "Asia/Shanghai";
  const CARD_UPDATE = "/open-apis/interactive/v1/card/update";
  let clock: TestClock;
  /** waits until the work of `n` photo messages is held in the quiet window, then ends the window */
  async function endQuietWindow(n: number) {
    await clock.waiting(n, "photos:quiet");
    clock.advance(DEFAULT_BATCH_QUIET_MS);
    await worker.settle();
  }

  async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  // the test's clock starts first (its url is one of the Worker's vars)
  beforeAll(async () => {
    clock = await new TestClock().start();
  });
  const worker = useWorker({ roster: true, vars: () => ({ TEST_CLOCK_URL: clock.url }), teardown: () => clock.stop(), expectErrors: [/"outcome":"upload_failed".*feishu 500 code 2200/] });

  it("attaching held photos whose upload failed at receipt: the click is answered at once, the card is updated with them after the upload", async () => {
    // S003's report from an hour ago: photos sent now are held for S003 to choose where they go
    const hourAgo = Date.now() - 3_600_000;
    const [report] = await worker.query<{ id: number }>(
      `INSERT INTO reports (school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, submission_key, created_at, updated_at)
       VALUES ('SCH005', 'S003', ?, ?, 'routine', '{}', 1, 'S003', 'callback-visit', ?, ?) RETURNING id`,
      currentWeek(hourAgo, TZ),
      localDate(hourAgo, TZ),
      hourAgo,
      hourAgo,
    );
    await worker.query("INSERT INTO report_versions (report_id, version, data, submitted_by, submitted_at) VALUES (?, 1, '{}', 'S003', ?)", report!.id, hourAgo);

    // Feishu's image upload fails while the photos are received: they are stored and held without an image key
    worker.fake.failNextImageUploads = 2;
    await postPost(worker, "ou_sup_3", [jpegBytes(31), jpegBytes(32)]);
    await endQuietWindow(1);
    expect(await worker.count("photos", "sender_code = 'S003' AND state = 'held' AND image_key IS NULL")).toBe(2);

    // Now Feishu is slow: every upload waits until released
    const uploads = () => worker.fake.calls.filter((c) => c.path === "/open-apis/im/v1/images").length;
    const uploadsBefore = uploads();
    const release = worker.fake.holdImageUploads();
    let released = false;
    try {
      const response = await worker.post("/feishu/cards", cardActionEvent({ openId: "ou_sup_3", value: { action: "photo_attach", kind: "report", id: report!.id } }));
      const answer = (await response.json()) as { toast?: { type: string; content: string }; card?: { data: unknown } };
      // the answer came while the upload is still held (it started after the attach committed)
      expect(answer.toast).toMatchObject({ type: "success", content: "已添加 2 张照片" });
      expect(FakeFeishu.textOf({ content: answer.card?.data, updates: [] } as never)).toContain("照片（2 张）");
      expect(FakeFeishu.imageKeysOf(answer.card?.data)).toEqual([]);
      expect(await worker.count("photos", "subject_kind = 'report' AND subject_id = ? AND state = 'attached'", report!.id)).toBe(2);
      await until("the upload reached Feishu", () => worker.fake.heldUploads > 0);
      expect(worker.fake.calls.filter((c) => c.path === CARD_UPDATE)).toHaveLength(0);
      release();
      released = true;
    } finally {
      if (!released) release();
    }

    // the upload finishes: the clicked card is replaced with the photos (delayed update by the callback's token)
    await until("the card was updated", () => worker.fake.calls.some((c) => c.path === CARD_UPDATE && c.status === 200));
    const update = worker.fake.calls.find((c) => c.path === CARD_UPDATE)!;
    const keys = FakeFeishu.imageKeysOf((update.body as { card: unknown }).card);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(worker.fake.uploadedImages.has(key)).toBe(true);
    // each photo was uploaded once, by the held requests: none was started (and given up) inside the answer
    expect(uploads() - uploadsBefore).toBe(2);
    // the update is retried only while its token lasts (30 minutes from the click), not an answer's 2 hours
    const [row] = await worker.query<{ age: number }>("SELECT give_up_at - created_at AS age FROM outbox WHERE operation = 'card_update' ORDER BY id DESC LIMIT 1");
    expect(row!.age).toBe(CARD_UPDATE_MAX_AGE_MS);
    expect(await worker.count("photos", "subject_kind = 'report' AND subject_id = ? AND image_key IS NOT NULL", report!.id)).toBe(2);
  });

  it("a report's summary in a callback's answer (a form sent again) shows what is uploaded; the rest follows in a delayed update", async () => {
    const [assignment] = await worker.query<{ id: number }>(
      "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?, 'S001', 'SCH001', 'routine', 'planned', ?, ?) RETURNING id",
      currentWeek(Date.now(), TZ),
      Date.now(),
      Date.now(),
    );
    const form: Record<string, unknown> = { visit_date: `${localDate(Date.now(), TZ)} +0800`, visit_kind: "routine", m_walkthrough: "1", findings: "整体良好" };
    const submit = () => cardActionEvent({ openId: "ou_sup_1", value: { action: "submit_report", form: 2, assignment_id: assignment!.id }, formValue: form });
    const first = (await (await worker.post("/feishu/cards", submit())).json()) as { toast?: { type: string } };
    expect(first.toast?.type).toBe("success");
    await worker.settle();
    // a photo right after the report attaches to it; Feishu's upload fails then (at receipt and for the batch's answer)
    worker.fake.failNextImageUploads = 2;
    await postPost(worker, "ou_sup_1", [jpegBytes(41)]);
    await endQuietWindow(1);
    const [report] = await worker.query<{ id: number }>("SELECT id FROM reports WHERE assignment_id = ?", assignment!.id);
    expect(await worker.count("photos", "subject_kind = 'report' AND subject_id = ? AND image_key IS NULL", report!.id)).toBe(1);

    const updatesBefore = worker.fake.calls.filter((c) => c.path === CARD_UPDATE).length;
    const uploads = () => worker.fake.calls.filter((c) => c.path === "/open-apis/im/v1/images").length;
    const uploadsBefore = uploads();
    const release = worker.fake.holdImageUploads();
    let released = false;
    try {
      const again = (await (await worker.post("/feishu/cards", submit())).json()) as { toast?: { type: string; content: string }; card?: { data: unknown } };
      expect(again.toast?.type).toBe("success");
      expect(FakeFeishu.textOf({ content: again.card?.data, updates: [] } as never)).toContain("照片（1 张）");
      expect(FakeFeishu.imageKeysOf(again.card?.data)).toEqual([]);
      await until("the upload reached Feishu", () => worker.fake.heldUploads > 0);
      release();
      released = true;
    } finally {
      if (!released) release();
    }
    await until("the summary was updated", () => worker.fake.calls.filter((c) => c.path === CARD_UPDATE && c.status === 200).length > updatesBefore);
    const update = worker.fake.calls.filter((c) => c.path === CARD_UPDATE).at(-1)!;
    const keys = FakeFeishu.imageKeysOf((update.body as { card: unknown }).card);
    expect(keys).toHaveLength(1);
    expect(worker.fake.uploadedImages.has(keys[0]!)).toBe(true);
    expect(uploads() - uploadsBefore).toBe(1); // once, after the answer: none started (and given up) inside it
  });

  it("the retry button sends a dead delayed update again only while its callback's token lasts, and keeps its deadline", async () => {
    const now = Date.now();
    const card = { schema: "2.0", config: { update_multi: true }, body: { elements: [{ tag: "markdown", content: "照片（1 张）" }] } };
    const dead = async (token: string, createdAt: number) => {
      const [row] = await worker.query<{ id: number }>(
        `INSERT INTO outbox (uuid, operation, target_message_id, msg_type, content, ref, give_up_at, state, attempts, last_error, next_attempt_at, created_at, updated_at)
         VALUES (?1, 'card_update', ?1, 'interactive', ?2, ?3, ?4, 'dead', 3, 'feishu 500 code 1: internal error', ?5, ?5, ?5) RETURNING id`,
        token,
        JSON.stringify(card),
        `photos:attach-card:${token}`,
        createdAt + CARD_UPDATE_MAX_AGE_MS,
        createdAt,
      );
      return row!.id;
    };
    // a click 40 minutes ago (its token ran out at 30) and one 5 minutes ago (Feishu gave its token then)
    await dead("c-forty-minutes-ago", now - 40 * 60_000);
    worker.fake.noteCallback("c-five-minutes-ago");
    const recent = await dead("c-five-minutes-ago", now - 5 * 60_000);
    const updatesBefore = worker.fake.calls.filter((c) => c.path === CARD_UPDATE).length;
    const retry = await worker.click("ou_bootstrap_admin", { action: "outbox_retry", maxId: recent });
    expect(retry.answer.toast).toEqual({ type: "success", content: expect.stringContaining("已重新排队 1 条消息") });
    await worker.settle();
    // only the recent one went to Feishu, with its own token; its deadline is still 29 minutes after its click
    const updates = worker.fake.calls.filter((c) => c.path === CARD_UPDATE).slice(updatesBefore);
    expect(updates.map((c) => [(c.body as { token: string }).token, c.status])).toEqual([["c-five-minutes-ago", 200]]);
    const rows = await worker.query<{ uuid: string; state: string; age: number }>(
      "SELECT uuid, state, give_up_at - created_at AS age FROM outbox WHERE uuid IN ('c-forty-minutes-ago', 'c-five-minutes-ago') ORDER BY id",
    );
    expect(rows).toEqual([
      { uuid: "c-forty-minutes-ago", state: "dead", age: CARD_UPDATE_MAX_AGE_MS },
      { uuid: "c-five-minutes-ago", state: "sent", age: CARD_UPDATE_MAX_AGE_MS },
    ]);
    // the dead row was this test's own (the file ends with no message dead)
    await worker.query("DELETE FROM outbox WHERE uuid = 'c-forty-minutes-ago'");
  });

  it("a photo whose upload keeps failing is uploaded by the 5-minute job, and the next card shows it", async () => {
    const [row] = await worker.query<{ id: number }>("SELECT id FROM photos WHERE image_key IS NOT NULL ORDER BY id LIMIT 1");
    await worker.query("UPDATE photos SET image_key = NULL WHERE id = ?", row!.id);
    await worker.runCron("*/5 * * * *", new Date());
    expect(await worker.count("photos", "id = ? AND image_key IS NOT NULL", row!.id)).toBe(1);
    expect(worker.logs.some((line) => line.route === "job:photo-uploads" && line.outcome === "pending=1 uploaded=1")).toBe(true);
  });
});

/**
 * The fake holds delayed updates to Feishu's rule (延时更新消息卡片): the token of a card callback it delivered,
 * within 30 minutes, at most twice (300020 a malformed token, 300030 an expired or unknown one, 300040 a third
 * use). Each refusal is in `refusals`, so a file whose Worker misuses a token fails (TestWorker.stop).
 */
describe("the fake's delayed-update tokens", () => {
  it("refuses a token no callback gave, one over 30 minutes old and a third use, and records each", async () => {
    const fake = await new FakeFeishu().start();
    try {
      const auth = (await (
        await fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ app_id: fake.appId, app_secret: fake.appSecret }),
        })
      ).json()) as { tenant_access_token: string };
      const card = { schema: "2.0", config: { update_multi: true }, body: { elements: [{ tag: "markdown", content: "已更新" }] } };
      const update = (token: string) =>
        fetch(`${fake.url}/open-apis/interactive/v1/card/update`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${auth.tenant_access_token}` },
          body: JSON.stringify({ token, card }),
        }).then(async (response) => ({ status: response.status, code: ((await response.json()) as { code: number }).code }));
      const ok = { status: 200, code: 0 };

      // a callback's token: two updates, then 300040
      fake.noteCallback("c-delivered");
      expect(await update("c-delivered")).toEqual(ok);
      expect(await update("c-delivered")).toEqual(ok);
      expect(await update("c-delivered")).toEqual({ status: 400, code: 300040 });
      // a token no callback gave (300030), and one not shaped like a callback's (300020)
      expect(await update("c-never-delivered")).toEqual({ status: 400, code: 300030 });
      expect(await update("t-tenant-token")).toEqual({ status: 400, code: 300020 });
      // 30 minutes on the fake's clock: still good at 29, refused after 30
      fake.noteCallback("c-late");
      fake.advance(29 * 60_000);
      expect(await update("c-late")).toEqual(ok);
      fake.advance(60_000 + 1);
      expect(await update("c-late")).toEqual({ status: 400, code: 300030 });
      // a callback delivered again (a replay) gives no fresh token: the first one's time and uses stand
      fake.noteCallback("c-late");
      expect(await update("c-late")).toEqual({ status: 400, code: 300030 });

      const path = "/open-apis/interactive/v1/card/update";
      expect(fake.undeclaredRefusals().map((r) => ({ path: r.path, code: r.code }))).toEqual(
        [300040, 300030, 300020, 300030, 300030].map((code) => ({ path, code })),
      );
    } finally {
      await fake.stop();
    }
  });
});
