import { beforeEach, describe, expect, it } from "vitest";
import { plusDays, shanghaiToday, shanghaiYear } from "../support/dates.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { useWorker } from "../support/use-worker.ts";

const MANAGER = "ou_mgr_1";
const SUPERVISOR = "ou_sup_1"; // S001, nameplate supervisor of SCH001 and SCH002
const CONTACT = "ou_contact_1"; // C001, contact of SCH001

interface OrderRow {
  id: number;
  number: string;
  kind: string;
  school_code: string;
  status: string;
  due_date: string;
  text: string;
  acknowledged_at: number | null;
  reported_at: number | null;
  closed_at: number | null;
}

/** The approve and deny button values of a manager's extension card. */
const decisionValues = (message: Parameters<typeof FakeFeishu.textOf>[0]) =>
  [...(typeof message.content === "string" ? message.content : JSON.stringify(message.content)).matchAll(/"value":(\{"action":"order_extension_decide"[^}]*\})/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);


describe("orders: from the command to verified closure", () => {
  const worker = useWorker({ roster: true });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
  });

  const order = async (number: string) => (await worker.query<OrderRow>("SELECT * FROM orders WHERE number = ?", number))[0]!;
  const trail = async (number: string) =>
    worker.query<{ action: string; actor_code: string; note: string | null }>(
      "SELECT e.action, e.actor_code, e.note FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.number = ? ORDER BY e.id",
      number,
    );

  it("issues, delivers, is acknowledged, reported, sent back, reported again and closed, with the whole audit trail", async () => {
    // the Shanghai year when this test issues (the Worker numbers by it), not the file's load
    const year = shanghaiYear();
    const due = plusDays(shanghaiToday(), 30);
    const issued = await worker.say(MANAGER, "督办 SCH001 30天 请于期限内完成食堂卫生整改（含后厨），并报送整改报告。");
    const number = `督办〔${year}〕1号`;
    expect(issued.texts.join("\n")).toContain(number);

    const row = await order(number);
    expect(row).toMatchObject({ kind: "order", school_code: "SCH001", status: "issued", due_date: due, text: "请于期限内完成食堂卫生整改（含后厨），并报送整改报告。" });
    expect(await worker.count("order_sequences", "office_code = '' AND kind = 'order' AND year = ?", year)).toBe(1);

    // Delivered to the nameplate supervisor and the school contact, with the acknowledge / report / extension controls.
    for (const openId of [SUPERVISOR, CONTACT]) {
      const cards = worker.fake.messagesTo(openId);
      expect(cards).toHaveLength(1);
      const text = FakeFeishu.textOf(cards[0]!);
      expect(text).toContain(number);
      expect(text).toContain("食堂卫生整改");
      expect(JSON.stringify(cards[0]!.content)).toContain('"action":"order_ack"');
      expect(JSON.stringify(cards[0]!.content)).toContain('"action":"order_report"');
      expect(JSON.stringify(cards[0]!.content)).toContain('"action":"order_extension_request"');
    }
    expect(worker.fake.messagesTo("ou_sup_2")).toHaveLength(0);

    const ack = await worker.click(CONTACT, { action: "order_ack", number });
    expect(ack.answer.toast?.type).toBe("success");
    expect((await order(number)).status).toBe("acknowledged");

    const twice = await worker.click(SUPERVISOR, { action: "order_ack", number });
    expect(twice.answer.toast?.content).toContain("已经签收");

    const report = await worker.click(CONTACT, { action: "order_report", number }, { done: "更换了食堂消毒柜，完善了留样记录", result: "partly", links: "https://example.edu.cn/p/1" });
    expect(report.answer.toast?.type).toBe("success");
    expect((await order(number)).status).toBe("reported");
    const toManager = worker.fake.messagesTo(MANAGER);
    expect(toManager.map((m) => FakeFeishu.textOf(m)).join("\n")).toContain("更换了食堂消毒柜");

    worker.fake.reset();
    const back = await worker.say(MANAGER, `退回 ${number} 留样记录照片不清楚`);
    expect(back.texts.join("\n")).toContain("已退回");
    expect((await order(number)).status).toBe("acknowledged");
    expect(worker.fake.messagesTo(CONTACT).map((m) => FakeFeishu.textOf(m)).join("\n")).toContain("留样记录照片不清楚");

    const again = await worker.click(SUPERVISOR, { action: "order_report", number }, { done: "补拍了留样记录照片", result: "done" });
    expect(again.answer.toast?.type).toBe("success");

    const close = await worker.say(MANAGER, `销号 ${number} 复查合格`);
    expect(close.texts.join("\n")).toContain("已核查销号");
    const closed = await order(number);
    expect(closed.status).toBe("closed");
    expect(closed.closed_at).not.toBeNull();

    expect(await trail(number)).toEqual([
      { action: "issued", actor_code: "M001", note: null },
      { action: "acknowledged", actor_code: "C001", note: null },
      { action: "reported", actor_code: "C001", note: expect.stringContaining("更换了食堂消毒柜") },
      { action: "sent_back", actor_code: "M001", note: "留样记录照片不清楚" },
      { action: "reported", actor_code: "S001", note: expect.stringContaining("补拍了留样记录照片") },
      { action: "closed", actor_code: "M001", note: "复查合格" },
    ]);

    // The history is what `查看` shows.
    const shown = await worker.say(CONTACT, `查看 ${number}`);
    const text = shown.texts.join("\n");
    for (const word of ["下发", "签收", "提交整改报告", "退回", "核查销号", "已销号"]) expect(text).toContain(word);
    // `order <number>` shows too (for managers, who may also issue with `order`).
    const viaOrder = await worker.say(MANAGER, `order ${number}`);
    expect(viaOrder.texts.join("\n")).toContain("核查销号");
    expect(await worker.count("orders")).toBe(1);
  });

  it("help lists the order commands a person may use", async () => {
    const manager = (await worker.say(MANAGER, "帮助")).texts.join("\n");
    for (const usage of ["督办 <学校> <期限> <内容>", "查看 <编号>", "督办单", "销号 <编号>", "退回 <编号>", "延期 <编号>", "撤销 <编号>"]) expect(manager).toContain(usage);
    const contact = (await worker.say(CONTACT, "帮助")).texts.join("\n");
    expect(contact).toContain("查看 <编号>");
    expect(contact).not.toContain("销号 <编号>");
  });

  it("issues one numbered order per school and lists every number in the answer", async () => {
    const year = shanghaiYear();
    const { texts } = await worker.say(MANAGER, "通报 SCH002、日照市第二实验小学，阳光幼儿园 60天 请做好校园安全自查");
    const rows = await worker.query<OrderRow>("SELECT * FROM orders WHERE kind = 'bulletin' ORDER BY id");
    expect(rows.map((r) => r.school_code)).toEqual(["SCH002", "SCH003", "SCH004"]);
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3].map((n) => `督导通报〔${year}〕${n}号`));
    for (const r of rows) expect(texts.join("\n")).toContain(r.number);
    expect(await worker.count("order_events", "action = 'issued' AND order_id IN (SELECT id FROM orders WHERE kind = 'bulletin')")).toBe(3);
    // S001 supervises SCH002, S002 SCH003 and SCH004.
    expect(worker.fake.messagesTo(SUPERVISOR)).toHaveLength(1);
    expect(worker.fake.messagesTo("ou_sup_2")).toHaveLength(2);
  });

  it("asks with a form when the command has no arguments, and the form issues", async () => {
    const year = shanghaiYear();
    const { replies } = await worker.say(MANAGER, "督办");
    expect(JSON.stringify(replies[0]!.content)).toContain('"action":"order_issue_submit"');
    const due = plusDays(shanghaiToday(), 10);
    const form = { kind: "rectification", schools: "SCH005", due: `${due} +0800`, text: "整改作业公示制度" };
    const { answer } = await worker.click(MANAGER, { action: "order_issue_submit" }, form, replies[0]!.messageId);
    expect(answer.toast?.type).toBe("success");
    const again = await worker.click(MANAGER, { action: "order_issue_submit" }, form, replies[0]!.messageId);
    expect(again.answer.toast).toEqual({ type: "info", content: "这张表单已经提交过了，请查看上面的下发结果。" });
    expect(await worker.count("orders", "kind = 'rectification'")).toBe(1);
    const [row] = await worker.query<OrderRow>("SELECT * FROM orders WHERE kind = 'rectification'");
    expect(row).toMatchObject({ number: `整改〔${year}〕1号`, school_code: "SCH005", due_date: due, text: "整改作业公示制度" });
    expect(JSON.stringify(answer.card)).toContain(row!.number);
    expect(worker.fake.messagesTo("ou_sup_3")).toHaveLength(1);
  });

  it("uses the office's prefix setting for new numbers", async () => {
    const year = shanghaiYear();
    const d1 = await worker.d1();
    await d1.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('order_prefixes', ?, 0)").bind(JSON.stringify({ notice: "日照督导通知" })).run();
    await worker.say(MANAGER, "督导通知 SCH006 7天 下周开展专项督导，请准备资料");
    const [row] = await worker.query<OrderRow>("SELECT * FROM orders WHERE kind = 'notice'");
    expect(row!.number).toBe(`日照督导通知〔${year}〕1号`);
    await d1.prepare("DELETE FROM settings WHERE key = 'order_prefixes'").run();
  });

  it("gives distinct numbers to two managers issuing at the same moment", async () => {
    const year = shanghaiYear();
    const before = await worker.count("orders", "kind = 'order'");
    await Promise.all([worker.say(MANAGER, "督办 SCH007 20天 同时下发甲"), worker.say("ou_bootstrap_admin", "督办 SCH008 20天 同时下发乙")]);
    const rows = await worker.query<OrderRow>("SELECT * FROM orders WHERE kind = 'order' ORDER BY id");
    expect(rows).toHaveLength(before + 2);
    const numbers = rows.map((r) => r.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.slice(-2).sort()).toEqual([`督办〔${year}〕2号`, `督办〔${year}〕3号`]);
  });

  it("extension: a contact asks, a manager approves, the due date moves and both are in the trail", async () => {
    await worker.say(MANAGER, "督办 SCH001 5天 整改校门口交通安全");
    const [row] = await worker.query<OrderRow>("SELECT * FROM orders WHERE school_code = 'SCH001' AND status = 'issued' ORDER BY id DESC LIMIT 1");
    const wanted = plusDays(shanghaiToday(), 20);
    worker.fake.reset();
    const asked = await worker.click(CONTACT, { action: "order_extension_request", number: row!.number }, { ext_due: `${wanted} +0800`, ext_reason: "需要交警部门配合" });
    expect(asked.answer.toast?.type).toBe("success");
    const [request] = await worker.query<{ id: number; status: string }>("SELECT * FROM extension_requests WHERE order_id = ?", row!.id);
    expect(request!.status).toBe("pending");
    const managerCard = worker.fake.messagesTo(MANAGER).at(-1)!;
    expect(FakeFeishu.textOf(managerCard)).toContain("需要交警部门配合");
    expect(managerCard.uuid).toBeTruthy();
    const [approve, deny] = decisionValues(managerCard);

    const stranger = await worker.click(CONTACT, approve!);
    expect(stranger.answer.toast?.type).toBe("error");

    const approved = await worker.click(MANAGER, approve!);
    expect(approved.answer.toast?.type).toBe("success");
    expect((await order(row!.number)).due_date).toBe(wanted);
    const twice = await worker.click(MANAGER, deny!);
    expect(twice.answer.toast?.content).toContain("已经处理");
    expect((await trail(row!.number)).map((e) => e.action)).toEqual(["issued", "extension_requested", "extension_approved"]);
  });

  it("extension: a second request after a denied one is decided by its own card; two requests at once store one", async () => {
    await worker.say(MANAGER, "督办 SCH001 5天 整改操场护栏");
    const [row] = await worker.query<OrderRow>("SELECT * FROM orders WHERE text = '整改操场护栏'");
    const ask = (openId: string, days: number, reason: string) =>
      worker.click(openId, { action: "order_extension_request", number: row!.number }, { ext_due: `${plusDays(shanghaiToday(), days)} +0800`, ext_reason: reason });
    worker.fake.reset();
    // The supervisor and the contact ask in the same moment: one request, one card per manager.
    await Promise.all([ask(SUPERVISOR, 15, "督学：需要施工队"), ask(CONTACT, 16, "学校：需要施工队")]);
    const requests = await worker.query<{ status: string }>("SELECT status FROM extension_requests WHERE order_id = ?", row!.id);
    expect(requests).toEqual([{ status: "pending" }]);
    const first = worker.fake.messagesTo(MANAGER).filter((m) => FakeFeishu.textOf(m).includes(row!.number));
    expect(first).toHaveLength(1);
    expect(await worker.count("order_events", "order_id = ? AND action = 'extension_requested'", row!.id)).toBe(1);
    const [, denyFirst] = decisionValues(first[0]!);
    expect((await worker.click(MANAGER, denyFirst!)).answer.toast?.type).toBe("success");

    worker.fake.reset();
    expect((await ask(SUPERVISOR, 25, "材料到货延迟")).answer.toast?.type).toBe("success");
    const second = worker.fake.messagesTo(MANAGER).at(-1)!;
    const [approveSecond] = decisionValues(second);
    // The first card's buttons still name the first (decided) request.
    expect((await worker.click(MANAGER, denyFirst!)).answer.toast?.content).toContain("已经处理");
    expect((await worker.click(MANAGER, approveSecond!)).answer.toast?.type).toBe("success");
    expect((await order(row!.number)).due_date).toBe(plusDays(shanghaiToday(), 25));
    const decided = await worker.query<{ status: string; reason: string }>("SELECT status, reason FROM extension_requests WHERE order_id = ? ORDER BY id", row!.id);
    expect(decided.map((r) => [r.status, r.reason.slice(-4)])).toEqual([["denied", "需要施工队".slice(-4)], ["approved", "到货延迟"]]);
  });
});
