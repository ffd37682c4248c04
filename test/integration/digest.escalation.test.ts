import { describe, expect, it } from "vitest";
import { useWorker } from "../support/use-worker.ts";

/**
 * The escalation list over a year of history: closed and cancelled orders with old due dates pile up in every
 * zone, and must not push the open, long-overdue ones off the list (the per-zone row limit counts open orders only).
 * Week 2026-W10 (2–8 March 2026); "overdue" is measured on Monday 9 March; escalation = more than 14 days.
 */
describe("digest: escalation list with a long history", () => {
  const ms = (iso: string) => Date.parse(iso);

  const worker = useWorker({
    roster: true,
    setup: async () => {
      const d1 = await worker.d1();
      // 30 old orders of SCH001 (zone Z01), all finished, all due before the open one.
      for (let seq = 1; seq <= 30; seq++) {
        const status = seq % 3 === 0 ? "cancelled" : "closed";
        await d1
          .prepare(
            `INSERT INTO orders (number, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, closed_at, updated_at)
             VALUES (?, 'order', 2025, ?, 'SCH001', '旧', ?, ?, 'M001', ?, ?, ?)`,
          )
          .bind(`督办〔2025〕${seq}号`, seq, `2025-0${1 + (seq % 9)}-10`, status, ms("2025-01-05T02:00:00Z"), status === "closed" ? ms("2025-11-01T02:00:00Z") : null, ms("2025-11-01T02:00:00Z"))
          .run();
      }
      // The one that matters: open, due 2026-02-01, 36 days overdue on 9 March.
      await d1
        .prepare(
          `INSERT INTO orders (number, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, updated_at)
           VALUES ('督办〔2026〕1号', 'order', 2026, 1, 'SCH002', '请整改', '2026-02-01', 'acknowledged', 'M001', ?, ?)`,
        )
        .bind(ms("2026-01-10T02:00:00Z"), ms("2026-01-12T02:00:00Z"))
        .run();
    },
  });

  it("lists the open order more than 14 days overdue, whatever the finished orders before it", async () => {
    for (const ask of ["周报 2026-W10", "周报 2026-W10 Z01"]) {
      const { texts } = await worker.say("ou_mgr_1", ask);
      const text = texts.join("\n");
      expect(text).toContain("督办〔2026〕1号");
      expect(text).not.toContain("督办〔2025〕");
    }
  });
});
