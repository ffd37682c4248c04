import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BATCH_QUIET_MS } from "../../src/domain/photos.ts";
import { jpegBytes, postImage, sha256 } from "../support/photos.ts";
import { TestClock } from "../support/test-clock.ts";
import { useWorker } from "../support/use-worker.ts";

/**
 * PHOTO_RETENTION_DAYS: the 5-minute housekeeping deletes old photo rows and the R2 bytes nothing else refers to.
 * A photo's batch window runs on the test's clock (as in photos.happy.test.ts): the test ends it once the photo is held there.
 */
describe("photo retention", () => {
  const DAY = 86_400_000;
  const HOUR = 3_600_000;

  let clock: TestClock;
  /** posts an image as `openId`, waits until its work is held in the quiet window, ends the window and waits for the answer */
  async function sendPhoto(openId: string, bytes: Uint8Array) {
    const posted = await postImage(worker, openId, bytes);
    await clock.waiting(1, "photos:quiet");
    clock.advance(DEFAULT_BATCH_QUIET_MS);
    await worker.settle();
    return posted;
  }

  // the test's clock starts first (its url is one of the Worker's vars)
  beforeAll(async () => {
    clock = await new TestClock().start();
  });
  const worker = useWorker({ roster: true, vars: () => ({ PHOTO_RETENTION_DAYS: "30", TEST_CLOCK_URL: clock.url }), teardown: () => clock.stop() });

  async function photo(seed: number, ageDays: number, state = "attached", subjectId: number | null = 1) {
    const bytes = jpegBytes(seed);
    const key = `photos/${sha256(bytes)}`;
    await (await worker.photos()).put(key, bytes);
    await worker.query(
      "INSERT INTO photos (dedupe_key, subject_kind, subject_id, state, sender_code, message_id, file_key, sha256, size, content_type, r2_key, received_at) VALUES (?, ?, ?, ?, 'S001', ?, 'k', ?, ?, 'image/jpeg', ?, ?)",
      `${state}:${seed}:${ageDays}`,
      state === "held" ? "held" : "report",
      state === "held" ? null : subjectId,
      state,
      `om_ret_${seed}_${ageDays}`,
      sha256(bytes),
      bytes.byteLength,
      key,
      Date.now() - ageDays * DAY,
    );
    return key;
  }

  it("deletes rows past the retention and held photos past a day; bytes another row still uses stay", async () => {
    const oldOnly = await photo(1, 40);
    const shared = await photo(2, 40);
    await photo(2, 5, "attached", 2);
    const recent = await photo(3, 5);
    const heldOld = await photo(4, 2, "held");
    const heldNew = await photo(5, 0, "held");
    await worker.runCron("*/5 * * * *", new Date());
    const rows = await worker.query<{ message_id: string }>("SELECT message_id FROM photos ORDER BY id");
    expect(rows.map((r) => r.message_id)).toEqual(["om_ret_2_5", "om_ret_3_5", "om_ret_5_0"]);
    expect(worker.logs.some((line) => line.route === "job:photo-retention" && line.outcome === "expired=3 objects_deleted=0")).toBe(true);
    // the unreferenced originals are marked, and deleted an hour later
    const bucket = await worker.photos();
    expect(await bucket.head(oldOnly)).not.toBeNull();
    await worker.runCron("*/5 * * * *", new Date(Date.now() + HOUR + 60_000));
    expect(await bucket.head(oldOnly)).toBeNull();
    expect(await bucket.head(heldOld)).toBeNull();
    expect(await bucket.head(shared)).not.toBeNull();
    expect(await bucket.head(recent)).not.toBeNull();
    expect(await bucket.head(heldNew)).not.toBeNull();
    expect(worker.logs.some((line) => line.route === "job:photo-retention" && line.outcome === "expired=0 objects_deleted=2")).toBe(true);
    expect(await worker.count("photo_deletions")).toBe(0);
  });

  it("the same bytes received after retention deleted their last row keep their original", async () => {
    const bytes = jpegBytes(60);
    const key = await photo(60, 40);
    await worker.runCron("*/5 * * * *", new Date());
    expect(await worker.count("photo_deletions", "r2_key = ? AND state = 'marked'", key)).toBe(1);
    // between the rows' deletion and the objects' sweep, the same picture arrives again
    const { response } = await sendPhoto("ou_sup_1", bytes);
    expect(response.status).toBe(200);
    const [row] = await worker.query<{ r2_key: string }>("SELECT r2_key FROM photos WHERE sha256 = ?", sha256(bytes));
    expect(row!.r2_key).toBe(key);
    await worker.runCron("*/5 * * * *", new Date(Date.now() + HOUR + 60_000));
    expect(await (await worker.photos()).head(key)).not.toBeNull();
    expect(await worker.count("photo_deletions")).toBe(0);
  });

  it("bytes received while the sweep is deleting their object go under a key of their own", async () => {
    const bytes = jpegBytes(61);
    const key = await photo(61, 40);
    await worker.runCron("*/5 * * * *", new Date());
    // the sweep has claimed the object and not yet deleted it (its two steps, with the receive between them)
    await worker.query("UPDATE photo_deletions SET state = 'deleting' WHERE r2_key = ?", key);
    await sendPhoto("ou_sup_2", bytes);
    const [row] = await worker.query<{ r2_key: string }>("SELECT r2_key FROM photos WHERE sha256 = ?", sha256(bytes));
    expect(row!.r2_key).not.toBe(key);
    expect(row!.r2_key.startsWith(`${key}/`)).toBe(true);
    // the sweep finishes (a claim left unfinished is taken up again): the old object goes, the new row's bytes stay
    await worker.runCron("*/5 * * * *", new Date(Date.now() + HOUR + 60_000));
    const bucket = await worker.photos();
    expect(await bucket.head(key)).toBeNull();
    const kept = await bucket.get(row!.r2_key);
    expect(new Uint8Array(await kept!.arrayBuffer())).toEqual(bytes);
  });
});
