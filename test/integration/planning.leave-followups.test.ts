import { describe, expect, it } from "vitest";
import { messageUuid } from "../../src/delivery/outbox.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { scenarioDates } from "../support/clock.ts";
import { useWorker } from "../support/use-worker.ts";

/**
 * The weekly plan's leave and follow-up rules through the real Monday job (README: "leave, school breaks,
 * follow-ups first"), on the fixture roster: S001 (ou_sup_1) has SCH001 and SCH002, S002 (ou_sup_2) has SCH003
 * and SCH004, both in Z01. February of the scenario year (written for 2027: four whole school weeks, W05–W08,
 * no calendar set, so every weekday is a school day) lies in the future, so an order issued today is overdue
 * on its Mondays.
 */
const { shift } = scenarioDates(2026);
const WEEKS = ["2027-W05", "2027-W06", "2027-W07", "2027-W08"].map(shift);
const FEB = Number(shift("2027-02-01").slice(0, 4));
const monday = (i: number) => new Date(Date.UTC(FEB, 1, 1 + 7 * i, 0, 0, 0));
const MANAGER = "ou_mgr_1";

type Row = { id: number; week: string; supervisor_code: string; school_code: string; reason: string; status: string; note: string | null; order_id: number | null };

describe("weekly plan: leave is planned around, overdue orders get their follow-up first", () => {
  let orderId: number;

  const worker = useWorker({ roster: true });

  it("a supervisor registers leave over the month's first three school weeks; the leave is stored and they are told", async () => {
    const { texts } = await worker.say("ou_sup_2", `请假 ${shift("2027-02-01")} ${shift("2027-02-19")} 培训`);
    expect(texts).toEqual([expect.stringContaining(`已登记 李秀英 的请假：${shift("2027-02-01")} 至 ${shift("2027-02-19")}`)]);
    expect(await worker.query("SELECT person_code, from_date, to_date, reason FROM leaves")).toEqual([
      { person_code: "S002", from_date: shift("2027-02-01"), to_date: shift("2027-02-19"), reason: "培训" },
    ]);
    // the same days again are refused and change nothing
    const again = await worker.say("ou_sup_2", `请假 ${shift("2027-02-10")} ${shift("2027-02-11")}`);
    expect(again.texts).toEqual([`与已登记的请假（${shift("2027-02-01")} 至 ${shift("2027-02-19")}）重叠，未做更改。`]);
    expect(await worker.count("leaves")).toBe(1);
  });

  it("an order issued today is overdue by the first Monday: that week's plan gives its school a follow-up visit, listed first on the card", async () => {
    const { texts } = await worker.say(MANAGER, "督办 SCH002 7天 请完成食堂卫生整改。");
    expect(texts.join("\n")).toContain("督办〔");
    const orders = await worker.query<{ id: number }>("SELECT id FROM orders WHERE school_code = 'SCH002'");
    expect(orders).toHaveLength(1);
    orderId = orders[0]!.id;

    await worker.runCron("0 0 * * 1", monday(0));
    const rows = await worker.query<Row>("SELECT * FROM assignments WHERE week = ? AND supervisor_code = 'S001' ORDER BY id", WEEKS[0]);
    expect(rows.filter((r) => r.reason === "follow_up")).toEqual([expect.objectContaining({ school_code: "SCH002", order_id: orderId, status: "planned" })]);
    // one row per school and week: SCH002's follow-up is its visit of the week, not a second routine one
    expect(rows.filter((r) => r.school_code === "SCH002")).toHaveLength(1);

    const uuid = await messageUuid(`plan:${WEEKS[0]}:S001`);
    const [card] = worker.fake.messages.filter((m) => m.uuid === uuid);
    expect(card?.receiveId).toBe("ou_sup_1");
    const text = FakeFeishu.textOf(card!);
    const first = text.indexOf("日照市第一中学");
    expect(first).toBeGreaterThan(-1);
    expect(text.slice(first, first + 200)).toContain("跟踪督导");
    if (rows.some((r) => r.school_code === "SCH001")) expect(text.indexOf("日照市实验小学")).toBeGreaterThan(first);
  });

  it("a follow-up missed in its week comes back the next Monday (the order is still open); once reported, it is not planned again", async () => {
    await worker.runCron("0 0 * * 1", monday(1));
    const followUps = () => worker.query<Pick<Row, "week" | "status">>("SELECT week, status FROM assignments WHERE reason = 'follow_up' AND order_id = ? ORDER BY week", orderId);
    expect(await followUps()).toEqual([
      { week: WEEKS[0], status: "missed" },
      { week: WEEKS[1], status: "planned" },
    ]);
    // the visit is reported (as the report form would mark it): the next Monday plans no other follow-up for the order
    await worker.query("UPDATE assignments SET status = 'reported' WHERE reason = 'follow_up' AND order_id = ? AND week = ?", orderId, WEEKS[1]);
    await worker.runCron("0 0 * * 1", monday(2));
    expect(await followUps()).toEqual([
      { week: WEEKS[0], status: "missed" },
      { week: WEEKS[1], status: "reported" },
    ]);
  });

  it("over the month, the supervisor on leave gets nothing and no card in the leave weeks; their schools are visited in the week left", async () => {
    await worker.runCron("0 0 * * 1", monday(3));
    const rows = await worker.query<Row>("SELECT * FROM assignments WHERE week BETWEEN ? AND ? ORDER BY week, supervisor_code, school_code", WEEKS[0], WEEKS[3]);
    expect(rows.filter((r) => r.supervisor_code === "S002" && r.week < WEEKS[3]!)).toEqual([]);
    // both of S002's schools (one visit a month each) in the one week without leave, by S002, on one card
    expect(rows.filter((r) => r.supervisor_code === "S002").map((r) => [r.week, r.school_code, r.reason, r.status])).toEqual([
      [WEEKS[3], "SCH003", "routine", "planned"],
      [WEEKS[3], "SCH004", "routine", "planned"],
    ]);
    const uuid = await messageUuid(`plan:${WEEKS[3]}:S002`);
    // S002's plan cards of all four weeks: only the week without leave has one
    const planUuids = new Set(await Promise.all(WEEKS.map((week) => messageUuid(`plan:${week}:S002`))));
    const cards = worker.fake.messages.filter((m) => planUuids.has(m.uuid ?? ""));
    expect(cards.map((m) => m.uuid)).toEqual([uuid]);
    expect(FakeFeishu.textOf(cards[0]!)).toContain("日照市第二实验小学");
    expect(FakeFeishu.textOf(cards[0]!)).toContain("阳光幼儿园");
  });
  it("a follow-up visit reported at one school settles that school's order only: another school's overdue order still gets its follow-up", async () => {
    for (const school of ["SCH001", "SCH003"]) expect((await worker.say(MANAGER, `督办 ${school} 7天 请完成校舍安全整改。`)).texts.join("\n")).toContain("督办〔");
    const [{ id: sch003 }] = (await worker.query<{ id: number }>("SELECT id FROM orders WHERE school_code = ?", "SCH003")) as [{ id: number }];
    // SCH001 was visited for its order (a follow-up visit outside the plan, after the order's due date); SCH003 was not
    await worker.query(
      `INSERT INTO reports (assignment_id, school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, on_behalf, submission_key, created_at, updated_at)
       VALUES (NULL, 'SCH001', 'S001', ?, ?, 'follow_up', '{}', 1, 'S001', 0, 'test:follow-up:SCH001', 0, 0)`,
      WEEKS[3],
      shift("2027-02-24"),
    );
    await worker.runCron("0 0 * * 1", monday(4));
    const followUps = await worker.query<Pick<Row, "school_code" | "order_id">>("SELECT school_code, order_id FROM assignments WHERE week = ? AND reason = 'follow_up' ORDER BY school_code", shift("2027-W09"));
    expect(followUps).toEqual([{ school_code: "SCH003", order_id: sch003 }]);
  });
});
