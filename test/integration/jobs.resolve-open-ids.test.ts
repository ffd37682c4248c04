import { describe, expect, it } from "vitest";
import { useWorker } from "../support/use-worker.ts";

/**
 * The five-minute lookup of people imported without an open_id (jobs/resolve-open-ids.ts → usecases/identity.ts):
 * Feishu's batch_get_id by mobile or email; a person found gets their open_id, one not found is not asked about
 * again for a day.
 */
describe("open_ids looked up by mobile or email", () => {
  const FIVE_MINUTES = "*/5 * * * *";
  const T0 = new Date("2026-03-03T02:00:00Z");
  const lookups = () => worker.fake.calls.filter((call) => call.path === "/open-apis/contact/v3/users/batch_get_id");

  const worker = useWorker({
    setup: async () => {
      for (const [code, name, mobile, email] of [
        ["S101", "王一", "13800000101", null],
        ["S102", "王二", null, "wang2@example.edu.cn"],
        ["S103", "王三", "13800000103", null],
      ] as const) {
        await worker.query(
          "INSERT INTO people (code, name, role, mobile, email, open_id, lang, active, created_at, updated_at) VALUES (?, ?, 'supervisor', ?, ?, NULL, 'zh', 1, 0, 0)",
          code,
          name,
          mobile,
          email,
        );
      }
      worker.fake.directory.set("13800000101", "ou_found_101");
      worker.fake.directory.set("wang2@example.edu.cn", "ou_found_102");
    },
  });

  it("stores the open_ids Feishu knows and remembers the miss, so the next run asks about no one", async () => {
    await worker.runCron(FIVE_MINUTES, T0);
    expect(lookups()).toHaveLength(1);
    const rows = await worker.query<{ code: string; openId: string | null }>("SELECT code, open_id AS openId FROM people WHERE code LIKE 'S10_' ORDER BY code");
    expect(rows).toEqual([
      { code: "S101", openId: "ou_found_101" },
      { code: "S102", openId: "ou_found_102" },
      { code: "S103", openId: null },
    ]);

    // five minutes later: S103 was a miss five minutes ago, so Feishu is not asked again
    await worker.runCron(FIVE_MINUTES, new Date(T0.getTime() + 5 * 60_000));
    expect(lookups()).toHaveLength(1);
  });

  it("asks again after a day, and stores the open_id of someone who joined the tenant meanwhile", async () => {
    worker.fake.directory.set("13800000103", "ou_found_103");
    await worker.runCron(FIVE_MINUTES, new Date(T0.getTime() + 25 * 60 * 60_000));
    expect(lookups()).toHaveLength(2);
    const [row] = await worker.query<{ openId: string | null }>("SELECT open_id AS openId FROM people WHERE code = 'S103'");
    expect(row?.openId).toBe("ou_found_103");
  });
});
