import { describe, expect, it } from "vitest";
import { messageUuid } from "../../src/delivery/outbox.ts";
import { addWeeks, currentWeek, weekStart } from "../../src/domain/time.ts";
import { D1_FACADE } from "../support/d1-facade.ts";
import { useWorker } from "../support/use-worker.ts";

/**
 * Weekly jobs whose cron never fired (or failed) are caught up by the 5-minute cron later that week, once.
 * Three weeks from two weeks ahead of today, each cron given its time (W10 runs normally; W11's Monday and Thursday
 * crons never fire; W12's Tuesday catch-up meets a failing office.
 *
 * The database can fail: while test_faults.n > 0 every batch that records a digest fails (n counts down).
 */
const FAULTY_ENTRY = `
import worker from "./index.js";
${D1_FACADE}
const faults = {
  beforeBatch: async (db, sqls) => {
    if (!sqls.some((sql) => sql && sql.includes("INSERT INTO digests"))) return;
    const row = await db.prepare("SELECT n FROM test_faults").first().catch(() => null);
    if (row && row.n > 0) {
      await db.prepare("UPDATE test_faults SET n = n - 1").run();
      throw new Error("D1_ERROR: the office's digest batch failed");
    }
  },
};
let wrapped;
const envOf = (env) => (wrapped ??= { ...env, DB: wrapDb(env.DB, faults) });
export default {
  fetch: (request, env, ctx) => worker.fetch(request, envOf(env), ctx),
  queue: (batch, env, ctx) => worker.queue(batch, envOf(env), ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, envOf(env), ctx),
};
`;

/**
 * Weeks ahead of the real clock, not fixed past dates: the messages a job writes are delivered for 24 hours
 * after the job's time (delivery gives up by age, against the real clock), so a job run "in March" would
 * write messages already expired. W10, W11 and W12 are the weeks two, three and four weeks from now.
 */
const W10 = addWeeks(currentWeek(Date.now(), "Asia/Shanghai"), 2);
const W11 = addWeeks(W10, 1);
const W12 = addWeeks(W10, 2);
/** `day` days after the week's Monday, at `time` UTC (00:00 UTC is 08:00 in Shanghai). */
function at(week: string, day: number, time: string): string {
  return new Date(Date.parse(`${weekStart(week)}T${time}:00Z`) + day * 86_400_000).toISOString();
}

const MONDAY_08H = "0 0 * * 1";
const DAILY_09H = "0 1 * * *";
const THURSDAY_16H = "0 8 * * 4";
const EVERY_5_MIN = "*/5 * * * *";
const OFFICE_GROUP = "oc_office_group";
const DISTRICT_GROUP = "oc_dg_group";
const SUPERVISORS = ["S001", "S002", "S003"];

describe("weekly jobs catch up", () => {

  /** Runs a cron as Cloudflare would; returns whether the invocation succeeded. */
  async function tick(cron: string, iso: string): Promise<string> {
    const result = await worker.scheduled(cron, new Date(iso));
    await worker.settle();
    return result.outcome;
  }

  const uuids = async (keys: string[]) => new Set(await Promise.all(keys.map(messageUuid)));
  async function sentWith(keys: string[]) {
    const wanted = await uuids(keys);
    return worker.fake.messages.filter((m) => wanted.has(m.uuid ?? ""));
  }
  const planKeys = (week: string) => SUPERVISORS.map((code) => `plan:${week}:${code}`);
  const digestKeys = (week: string) => [`digest:${week}:office`, `digest:${week}:office:DG`];
  const reminderKeys = (week: string) => SUPERVISORS.map((code) => `report-reminder:${week}:${code}`);
  const jobRun = async (job: string, period: string) =>
    (await worker.query<{ state: string; last_error: string | null }>("SELECT state, last_error FROM job_runs WHERE job = ? AND period = ?", job, period))[0];

  const worker = useWorker({
    expectErrors: [/"route":"job:weekly_digest".*(the office's digest batch failed|failed for office)/],
    roster: true,
    wrapEntry: FAULTY_ENTRY,
    setup: async () => {
      await worker.query("CREATE TABLE test_faults (n INTEGER NOT NULL)");
      await worker.query("INSERT INTO test_faults (n) VALUES (0)");
      await worker.query(
        `INSERT INTO offices (code, name, short_name, parent_code, district, digest_chat_id, created_at, updated_at) VALUES
         ('RZ', '日照市督导室', '日照', NULL, '', NULL, 0, 0), ('DG', '东港区督导室', '东港', 'RZ', '东港区', ?, 0, 0)`,
        DISTRICT_GROUP,
      );
      worker.fake.botChats.add(DISTRICT_GROUP); // the bot is in the district's digest group (else Feishu answers 230002)
      // W10 goes as planned: the jobs have run in this deployment before.
      expect(await tick(MONDAY_08H, at(W10, 0, "00:00"))).toBe("ok");
      expect(await tick(DAILY_09H, at(W10, 0, "01:00"))).toBe("ok");
      expect(await tick(THURSDAY_16H, at(W10, 3, "08:00"))).toBe("ok");
      expect(await sentWith(planKeys(W10))).toHaveLength(3);
    },
  });

  it("a Monday whose crons never fired: Tuesday's 5-minute run sends the plan and last week's digest, once, and marks the misses", async () => {
    const plannedW10 = await worker.count("assignments", `week = '${W10}' AND status = 'planned'`);
    expect(plannedW10).toBeGreaterThan(0);
    // W11's Monday: no cron fired. Monday's 5-minute runs during the grace of the jobs' own crons do nothing.
    expect(await tick(EVERY_5_MIN, at(W11, 0, "00:05"))).toBe("ok");
    expect(await sentWith(planKeys(W11))).toHaveLength(0);

    expect(await tick(EVERY_5_MIN, at(W11, 1, "02:00"))).toBe("ok");
    const plan = await sentWith(planKeys(W11));
    expect(plan.map((m) => m.receiveId).sort()).toEqual(["ou_sup_1", "ou_sup_2", "ou_sup_3"]);
    const digest = await sentWith(digestKeys(W10));
    expect(digest.map((m) => m.receiveId).sort()).toEqual([DISTRICT_GROUP, OFFICE_GROUP]);
    // the digest counted the misses: last week's planned visits were marked first
    expect(await worker.count("assignments", `week = '${W10}' AND status = 'planned'`)).toBe(0);
    expect(await worker.count("assignments", `week = '${W10}' AND status = 'missed'`)).toBe(plannedW10);
    expect(await worker.count("digests", `week = '${W10}' AND scope IN ('office', 'office:DG')`)).toBe(2);
    expect((await jobRun("weekly_plan", W11))?.state).toBe("done");
    expect((await jobRun("weekly_digest", W10))?.state).toBe("done");

    // the next runs (and Monday's crons arriving late) send nothing twice
    const before = worker.fake.messages.length;
    expect(await tick(EVERY_5_MIN, at(W11, 1, "02:05"))).toBe("ok");
    expect(await tick(EVERY_5_MIN, at(W11, 2, "10:00"))).toBe("ok");
    expect(worker.fake.messages.length).toBe(before);
    expect(await sentWith(planKeys(W11))).toHaveLength(3);
    expect(await sentWith(digestKeys(W10))).toHaveLength(2);
  });

  it("a Thursday whose cron never fired: the reminders go out at the next 5-minute run, once", async () => {
    // W11's Thursday 16:05: still the reminders' own cron's turn
    expect(await tick(EVERY_5_MIN, at(W11, 3, "08:05"))).toBe("ok");
    expect(await sentWith(reminderKeys(W11))).toHaveLength(0);

    expect(await tick(EVERY_5_MIN, at(W11, 3, "08:20"))).toBe("ok");
    const reminders = await sentWith(reminderKeys(W11));
    expect(reminders.length).toBeGreaterThan(0);
    expect(new Set(reminders.map((m) => m.receiveId)).size).toBe(reminders.length);
    expect((await jobRun("report_reminders", W11))?.state).toBe("done");

    const before = worker.fake.messages.length;
    expect(await tick(EVERY_5_MIN, at(W11, 3, "08:25"))).toBe("ok");
    expect(await tick(THURSDAY_16H, at(W11, 3, "08:00"))).toBe("ok"); // the cron arriving after all
    expect(worker.fake.messages.length).toBe(before);
  });

  it("one office's digest fails: the other office's and the plan still go, the run is reported failed, the next run catches up", async () => {
    await worker.query("UPDATE test_faults SET n = 1");
    // W12's Monday never ran; Tuesday's first 5-minute run: the city's digest batch fails
    expect(await tick(EVERY_5_MIN, at(W12, 1, "01:00"))).toBe("exception");
    const plan = (await sentWith(planKeys(W12))).length;
    expect(plan).toBeGreaterThan(0);
    expect((await jobRun("weekly_plan", W12))?.state).toBe("done");
    expect((await sentWith([`digest:${W11}:office:DG`])).map((m) => m.receiveId)).toEqual([DISTRICT_GROUP]);
    expect(await sentWith([`digest:${W11}:office`])).toHaveLength(0);
    const failed = await jobRun("weekly_digest", W11);
    expect(failed?.state).toBe("failed");
    expect(failed?.last_error).toContain("RZ");
    expect(worker.logs.some((line) => line.route === "job:weekly_digest" && line.outcome === "error")).toBe(true);

    expect(await tick(EVERY_5_MIN, at(W12, 1, "01:05"))).toBe("ok");
    expect((await sentWith([`digest:${W11}:office`])).map((m) => m.receiveId)).toEqual([OFFICE_GROUP]);
    expect(await sentWith([`digest:${W11}:office:DG`])).toHaveLength(1);
    expect(await sentWith(planKeys(W12))).toHaveLength(plan);
    expect((await jobRun("weekly_digest", W11))?.state).toBe("done");
  });
});
