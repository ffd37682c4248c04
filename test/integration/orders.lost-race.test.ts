import { describe, expect, it } from "vitest";
import { D1_FACADE } from "../support/d1-facade.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";
import { shanghaiYear } from "../support/dates.ts";

const MANAGER = "ou_mgr_1";
const SUPERVISOR = "ou_sup_1"; // nameplate supervisor of SCH001
const CONTACT = "ou_contact_1"; // contact of SCH001

/**
 * The Worker with a rival at the database: just before any batch that moves an order commits, every
 * order is changed "by someone else" (its updated_at moves on). So each guarded change loses its race,
 * deterministically, and we can see what the loser is told.
 */
const RIVAL_ENTRY = `
import worker from "./index.js";
${D1_FACADE}
const rival = {
  beforeBatch: async (db, sqls) => {
    // an order's guarded transition (db/orders.ts transitionStatements, drizzle's SQL): an update of orders whose SET names the status
    if (sqls.some((sql) => /^update "orders" set (?:"\\w+" = \\?, )*"status" = \\?/.test(sql ?? ""))) await db.prepare("UPDATE orders SET updated_at = updated_at + 1").run();
  },
};
let wrapped;
const envOf = (env) => (wrapped ??= { ...env, DB: wrapDb(env.DB, rival) });
export default {
  fetch: (request, env, ctx) => worker.fetch(request, envOf(env), ctx),
  queue: (batch, env, ctx) => worker.queue(batch, envOf(env), ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, envOf(env), ctx),
};
`;

describe("orders: the side that loses a race is told so, not thanked", () => {
  let number: string;
  // the Shanghai year (the Worker's TIMEZONE), read again in beforeAll right before the orders are issued
  let year = String(shanghaiYear());
  const order = async () => (await worker.query<{ status: string; due_date: string }>("SELECT status, due_date FROM orders WHERE number = ?", number))[0]!;
  const trail = async () => (await worker.query<{ action: string }>("SELECT action FROM order_events WHERE order_id = (SELECT id FROM orders WHERE number = ?) ORDER BY id", number)).map((e) => e.action);
  const cardsAbout = (openId: string) => worker.fake.messagesTo(openId).filter((m) => FakeFeishu.textOf(m).includes(number));

  const worker = useWorker({
    roster: true,
    wrapEntry: RIVAL_ENTRY,
    setup: async () => {
      year = String(shanghaiYear());
      await worker.say(MANAGER, "督办 SCH001 30天 整改一");
      number = `督办〔${year}〕1号`;
    },
  });

  it("a manager's `撤销` that lost: the reply says someone else got there first; nothing changed, the school is not told", async () => {
    const before = { order: await order(), trail: await trail() };
    worker.fake.reset();
    const { texts } = await worker.say(MANAGER, `撤销 ${number} 重复下发`);
    expect(texts).toEqual([`${number} 刚刚已被他人处理，您的操作没有生效。最新状态请发送：查看 ${number}`]);
    expect(await order()).toEqual(before.order);
    expect(await trail()).toEqual(before.trail);
    expect(cardsAbout(SUPERVISOR)).toHaveLength(0);
    expect(cardsAbout(CONTACT)).toHaveLength(0);
  });

  it("a manager's `延期` that lost: the same answer, and the due date stays", async () => {
    const before = await order();
    const { texts } = await worker.say(MANAGER, `延期 ${number} 60天`);
    expect(texts).toEqual([expect.stringContaining("刚刚已被他人处理")]);
    expect((await order()).due_date).toBe(before.due_date);
  });

  it("a school's rectification report that lost: a warning toast instead of thanks, and no card to the manager", async () => {
    worker.fake.reset();
    const { status, answer } = await worker.click(CONTACT, { action: "order_report", number }, { done: "已整改", result: "done" });
    expect(status).toBe(200);
    expect(answer.toast).toEqual({ type: "warning", content: expect.stringContaining(`${number} 刚刚已被他人处理`) });
    expect(answer.card).toBeUndefined();
    expect((await order()).status).toBe("issued");
    expect(await trail()).not.toContain("reported");
    expect(cardsAbout(MANAGER)).toHaveLength(0);
  });
});
