import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { currentWeek, localDate } from "../../src/domain/time.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { OPEN_IDS } from "../support/offices-roster.ts";
import { jpegBytes, postImage } from "../support/photos.ts";
import { useWorker } from "../support/use-worker.ts";
import { TestClock } from "../support/test-clock.ts";
import { DEFAULT_BATCH_QUIET_MS } from "../../src/domain/photos.ts";

/**
 * Alerts follow the chain of offices (issue 22): a serious problem, the daily escalation list and the rectification
 * photos to verify reach the managers of the school's office and of the offices above it, never a sibling district's.
 * The roster: 日照市督导室 (RZ) over 东港 (DG) and 岚山 (LS), an admin and a manager in each (test/support/offices-roster.ts).
 * The photo batch's quiet wait runs on the test's clock (as in photos.happy.test.ts).
 */
describe("alerts follow the chain of offices", () => {
  const TZ = "Asia/Shanghai";
  const CITY = [OPEN_IDS.cityAdmin, OPEN_IDS.cityManager];
  const DONGGANG = [OPEN_IDS.dgAdmin, OPEN_IDS.dgManager];
  const LANSHAN = [OPEN_IDS.lsAdmin, OPEN_IDS.lsManager];
  const textsTo = (openId: string) => worker.fake.messagesTo(openId).map((m) => FakeFeishu.textOf(m));
  const ms = (iso: string) => Date.parse(iso);

  let clock: TestClock;
  // the test's clock starts first (its url is one of the Worker's vars)
  beforeAll(async () => {
    clock = await new TestClock().start();
  });
  const worker = useWorker({ roster: "offices", vars: () => ({ TEST_CLOCK_URL: clock.url }), teardown: () => clock.stop() });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
  });

  it("a serious problem at a 东港 school reaches 东港's managers and the city's, not 岚山's", async () => {
    const [assignment] = await worker.query<{ id: number }>(
      "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?1, 'S001', 'X-A01', 'routine', 'planned', ?2, ?2) RETURNING id",
      currentWeek(Date.now(), TZ),
      Date.now(),
    );
    const form = {
      visit_date: `${localDate(Date.now(), TZ)} +0800`,
      visit_kind: "routine",
      m_walkthrough: "1",
      findings: "食堂检查",
      items_problem: ["hygiene"],
      p1_item: "hygiene",
      p1_desc: "食堂使用过期食材",
      p1_severity: "serious",
      p1_fixed: true,
    };
    const { answer } = await worker.click(OPEN_IDS.dgSupervisor, { action: "submit_report", form: 2, assignment_id: assignment!.id }, form);
    expect(answer.toast?.type).toBe("success");
    await worker.settle();

    for (const openId of [...DONGGANG, ...CITY]) {
      const alerts = textsTo(openId).filter((text) => text.includes("严重问题上报"));
      expect(alerts, openId).toHaveLength(1);
      expect(alerts[0]).toContain("食堂使用过期食材");
      expect(alerts[0]).toContain("东港第一小学");
    }
    for (const openId of LANSHAN) expect(worker.fake.messagesTo(openId), openId).toHaveLength(0);
    const recipients = await worker.query<{ receive_id: string }>("SELECT receive_id FROM outbox WHERE ref LIKE 'problem:%:serious:%' ORDER BY receive_id");
    expect(recipients.map((row) => row.receive_id).sort()).toEqual([...DONGGANG, ...CITY].sort());
  });

  it("the daily escalation list: each manager gets the long-overdue orders of their chain only", async () => {
    const insert = (number: string, seq: number, office: string, school: string) =>
      worker.query(
        `INSERT INTO orders (number, office_code, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, updated_at)
         VALUES (?1, ?2, 'order', 2026, ?3, ?4, '请整改', '2026-02-01', 'acknowledged', 'M000', ?5, ?5)`,
        number,
        office,
        seq,
        school,
        ms("2026-01-10T02:00:00Z"),
      );
    await insert("东港督办〔2026〕1号", 1, "DG", "X-A01");
    await insert("岚山督办〔2026〕1号", 1, "LS", "X-B01");
    await insert("日照督办〔2026〕1号", 1, "RZ", "X-C01");
    // Wednesday 11 March 2026, 09:00 in Shanghai: all three are 38 days overdue
    await worker.runCron("0 1 * * *", new Date("2026-03-11T01:00:00Z"));

    const listOf = (openId: string) => {
      const lists = textsTo(openId).filter((text) => text.includes("逾期超过14天的督导文书（2026-03-11）"));
      expect(lists, openId).toHaveLength(1);
      return lists[0]!;
    };
    for (const openId of CITY) {
      const list = listOf(openId);
      expect(list).toContain("以下 3 件督导文书逾期已超过14天");
      for (const number of ["东港督办〔2026〕1号", "岚山督办〔2026〕1号", "日照督办〔2026〕1号"]) expect(list).toContain(number);
    }
    for (const openId of DONGGANG) {
      const list = listOf(openId);
      expect(list).toContain("以下 1 件督导文书");
      expect(list).toContain("东港督办〔2026〕1号");
      expect(list).not.toContain("岚山督办");
      expect(list).not.toContain("日照督办");
    }
    for (const openId of LANSHAN) {
      const list = listOf(openId);
      expect(list).toContain("岚山督办〔2026〕1号");
      expect(list).not.toContain("东港督办");
      expect(list).not.toContain("日照督办");
    }
    expect(await worker.count("order_events", "action = 'escalated'")).toBe(3);
  });

  it("the rectification report's photos go to 东港's managers and the city's to verify, not 岚山's", async () => {
    // a supervisor's rectification item (issued by the supervisor, not a manager): every manager of the chain verifies
    const number = "东港整改〔2026〕1号";
    await worker.query(
      `INSERT INTO orders (number, office_code, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, updated_at)
       VALUES (?1, 'DG', 'rectification_item', 2026, 1, 'X-A01', '围墙破损', '2099-01-01', 'acknowledged', 'S001', ?2, ?2)`,
      number,
      Date.now(),
    );
    const report = await worker.click(OPEN_IDS.dgContact, { action: "order_report", number }, { done: "已修补围墙", result: "done" });
    expect(report.answer.toast?.type).toBe("success");
    expect(await worker.query("SELECT status FROM orders WHERE number = ?1", number)).toEqual([{ status: "reported" }]);
    await worker.settle();
    worker.fake.reset();

    const { response } = await postImage(worker, OPEN_IDS.dgContact, jpegBytes(22));
    expect(response.status).toBe(200);
    // the photo's work is held in the batch's quiet window until the test's clock moves past it; then every message is sent
    await clock.waiting(1, "photos:quiet");
    clock.advance(DEFAULT_BATCH_QUIET_MS);
    await worker.settle();

    const verifyTitle = `${number} 整改报告的照片`;
    for (const openId of [...DONGGANG, ...CITY]) {
      const cards = worker.fake.messagesTo(openId).filter((m) => FakeFeishu.textOf(m).includes(verifyTitle));
      expect(cards, openId).toHaveLength(1);
      expect(FakeFeishu.textOf(cards[0]!)).toContain("东港联系人 为整改报告补充了 1 张照片");
    }
    for (const openId of LANSHAN) expect(worker.fake.messagesTo(openId), openId).toHaveLength(0);
    expect(await worker.count("photos", "subject_kind = 'order' AND state = 'attached'")).toBe(1);
  });
});
