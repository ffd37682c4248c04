import { beforeEach, describe, expect, it } from "vitest";
import { unzipSync } from "fflate";
import { plusDays, shanghaiToday, shanghaiYear } from "../support/dates.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { OPEN_IDS } from "../support/offices-roster.ts";
import { useWorker } from "../support/use-worker.ts";
import { expectRefusedClick } from "../support/refusal.ts";

/**
 * `公文 <编号> [全部]` and 「下载公文」 (issue 26): the order as a GB/T 9704 Word document, by direct message.
 * The roster: 日照市督导室 over 东港区督导室 and 岚山区督导室 (test/support/offices-roster.ts).
 */
const chinese = (iso: string) => iso.replace(/^(\d{4})-0?(\d{1,2})-0?(\d{1,2})$/, "$1年$2月$3日");
/** the document's visible text: every run's text, paragraphs joined by newlines */
const textOf = (xml: string) =>
  xml
    .split(/<\/w:p>/)
    .map((p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(""))
    .join("\n");

describe("公文: an order as a Word document", () => {
  const worker = useWorker({
    roster: "offices",
    setup: async () => {
      // one order of each kind to 东港第一小学, by the 东港 manager; the 督办单 carries a visit problem
      await worker.say(OPEN_IDS.dgManager, "督办 X-A01 30天 请于期限内完成食堂卫生整改（含后厨），并报送整改报告。");
      await worker.say(OPEN_IDS.dgManager, "整改 X-A01 30天 校门口护栏破损，请立即修复。");
      await worker.say(OPEN_IDS.dgManager, "督导通知 X-A01 30天 下周开展专项督导，请准备资料。");
      await worker.say(OPEN_IDS.dgManager, "通报 X-A01 30天 请做好校园安全自查。");
      const [order] = await worker.query<{ id: number }>("SELECT id FROM orders WHERE kind = 'order'");
      await worker.query(
        `INSERT INTO problems (report_id, school_code, week, item, description, severity, fixed_on_spot, order_id, created_at)
         VALUES (900, 'X-A01', '2026-W01', '食堂卫生', '后厨生熟未分开存放', 'general', 0, ?1, 1)`,
        order!.id,
      );
    },
  });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
  });

  async function documentOf(openId: string) {
    const message = worker.fake.messages.filter((m) => m.msgType === "file").at(-1);
    expect(message, "a file message").toBeDefined();
    expect([openId, `oc_p2p_${openId}`]).toContain(message!.receiveId);
    const upload = worker.fake.uploadOf(message!)!;
    expect(upload.type).toBe("doc");
    expect(upload.bytes.byteLength).toBeLessThanOrEqual(1_500_000);
    const files = unzipSync(upload.bytes);
    const xml = new TextDecoder().decode(files["word/document.xml"]!);
    const text = textOf(xml);
    return { name: upload.name, xml, text, lines: text.split("\n").filter(Boolean).join("\n") };
  }

  /** the number of the setup's order of `kind` (its year and form are checked by the layout tests below) */
  const numberOf = async (kind: string) => (await worker.query<{ number: string }>("SELECT number FROM orders WHERE kind = ? ORDER BY id LIMIT 1", kind))[0]!.number;

  const cases = [
    { kind: "order", prefix: "东港督办", kindName: "督办单", text: "请于期限内完成食堂卫生整改（含后厨），并报送整改报告。", sendBack: "整改情况报告（附整改前后照片）" },
    { kind: "rectification", prefix: "东港整改", kindName: "整改通知书", text: "校门口护栏破损，请立即修复。", sendBack: "逐项落实整改" },
    { kind: "notice", prefix: "东港督导通知", kindName: "督导通知", text: "下周开展专项督导，请准备资料。", sendBack: "按通知要求做好准备" },
    { kind: "bulletin", prefix: "东港督导通报", kindName: "督导通报", text: "请做好校园安全自查。", sendBack: "对照通报内容认真自查" },
  ];

  for (const c of cases) {
    it(`lays out a ${c.kindName} as GB/T 9704 prescribes: red masthead, number, red line, title, school, text, deadline, signature and date`, async () => {
      const [row] = await worker.query<{ number: string; issued_at: number }>("SELECT number, issued_at FROM orders WHERE kind = ?", c.kind);
      // numbered by the Shanghai year of the moment it was issued, due 30 Shanghai days from that day
      const issuedOn = shanghaiToday(row!.issued_at);
      const number = `${c.prefix}〔${issuedOn.slice(0, 4)}〕1号`;
      expect(row!.number).toBe(number);
      const { texts } = await worker.say(OPEN_IDS.dgManager, `公文 ${number}`);
      expect(texts[0]).toBe(`公文「${number}」已生成，文件随后私信发送。`);
      const doc = await documentOf(OPEN_IDS.dgManager);
      expect(doc.name).toBe(`${number}.docx`);
      const lines = doc.text.split("\n").filter(Boolean);
      expect(lines.slice(0, 5)).toEqual([`东港区督导室${c.kindName}`, number, `关于东港第一小学督导有关事项的${c.kindName}`, "东港第一小学：", c.text]);
      // the masthead in red and 方正小标宋简体; the separator line red
      expect(doc.xml).toMatch(new RegExp(`<w:rFonts[^>]*w:eastAsia="方正小标宋简体"[^>]*/>(?:(?!</w:r>).)*<w:color w:val="FF0000"/>(?:(?!</w:r>).)*<w:t[^>]*>东港区督导室${c.kindName}</w:t>`));
      expect(doc.xml).toMatch(/<w:bottom w:val="single" w:color="FF0000"/);
      expect(doc.xml).toContain('w:eastAsia="仿宋_GB2312"');
      // A4 and the standard's margins: top 37, bottom 35, left 28, right 26 mm
      expect(doc.xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
      expect(doc.xml).toMatch(/<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"/);
      expect(doc.text).toContain(`办理期限：${chinese(plusDays(issuedOn, 30))}前。`);
      expect(doc.text).toContain(c.sendBack);
      expect(lines.slice(-2)).toEqual(["东港区督导室", chinese(issuedOn)]);
      expect(doc.text).not.toContain("附件");
    });
  }

  it("names the problems the order tracks, under a 黑体 heading", async () => {
    await worker.say(OPEN_IDS.dgManager, `公文 ${await numberOf("order")}`);
    const doc = await documentOf(OPEN_IDS.dgManager);
    expect(doc.text).toContain("一、发现的问题\n1. 食堂卫生（一般）：后厨生熟未分开存放\n二、工作要求");
    expect(doc.xml).toMatch(/w:eastAsia="黑体"(?:(?!<\/w:r>).)*<w:t[^>]*>一、发现的问题<\/w:t>/);
  });

  it("with 全部, adds the record as an annex: 附件说明, and a table of the steps with dates and names", async () => {
    const number = await numberOf("order");
    await worker.click(OPEN_IDS.dgContact, { action: "order_ack", number });
    // the Shanghai days of the issue and of the acknowledgement, as stored (not "today": a midnight may pass between them)
    const [times] = await worker.query<{ issued_at: number; acknowledged_at: number }>("SELECT issued_at, acknowledged_at FROM orders WHERE number = ?", number);
    const [issued, acknowledged] = [chinese(shanghaiToday(times!.issued_at)), chinese(shanghaiToday(times!.acknowledged_at))];
    worker.fake.reset();
    const { texts } = await worker.say(OPEN_IDS.dgSupervisor, `公文 ${number} 全部`);
    expect(texts[0]).toBe(`公文「${number}」已生成，文件随后私信发送。`);
    const doc = await documentOf(OPEN_IDS.dgSupervisor);
    expect(doc.text).toContain("附件：整改情况");
    expect(doc.lines).toContain(`附件1\n整改情况\n下发：${issued}；签收：${acknowledged}；报送整改报告：—；核查销号：—；当前状态：已签收。`);
    expect(doc.xml).toContain("<w:tbl>");
    expect(doc.text).toContain(`日期\n办理人\n事项\n说明`);
    expect(doc.text).toContain(`${issued}\n东港科长\n下发`);
    expect(doc.text).toContain(`${acknowledged}\n东港联系人\n签收`);
  });

  it("asked in a group, the group gets 「已私信发送给您」 and the file goes to the asker's direct chat", async () => {
    const { replies } = await worker.say(OPEN_IDS.dgContact, `公文 ${await numberOf("rectification")}`, { chatType: "group" });
    expect(replies.map((m) => FakeFeishu.textOf(m))).toEqual(["已私信发送给您。"]);
    await documentOf(OPEN_IDS.dgContact);
    expect(worker.fake.messages.filter((m) => m.msgType === "file" && m.receiveId !== OPEN_IDS.dgContact)).toHaveLength(0);
  });

  it("「下载公文」 on the order card sends the document to the clicker", async () => {
    const number = await numberOf("notice");
    const { replies } = await worker.say(OPEN_IDS.cityManager, `查看 ${number}`);
    const card = JSON.stringify(replies[0]!.content);
    expect(card).toContain("下载公文");
    expect(card).toContain(JSON.stringify({ action: "document_download", number }).slice(1, -1));
    worker.fake.reset();
    const { answer } = await worker.click(OPEN_IDS.cityManager, { action: "document_download", number });
    expect(answer.toast).toEqual({ type: "success", content: "公文将私信发送给您。" });
    const doc = await documentOf(OPEN_IDS.cityManager);
    expect(doc.lines).toContain(`东港区督导室督导通知\n${number}`);
  });

  it("the card the school's contact gets when an order is issued carries 「下载公文」, and their click brings the document", async () => {
    worker.fake.reset();
    await worker.say(OPEN_IDS.dgManager, "督办 X-A01 30天 请完善校车安全台账。");
    const [issued] = await worker.query<{ number: string }>("SELECT number FROM orders ORDER BY id DESC LIMIT 1");
    const delivered = worker.fake.messages.filter((m) => m.receiveId === OPEN_IDS.dgContact && m.msgType === "interactive");
    expect(delivered).toHaveLength(1);
    expect(JSON.stringify(delivered[0]!.content)).toContain(JSON.stringify({ action: "document_download", number: issued!.number }).slice(1, -1));
    worker.fake.reset();
    const { answer } = await worker.click(OPEN_IDS.dgContact, { action: "document_download", number: issued!.number });
    expect(answer.toast).toEqual({ type: "success", content: "公文将私信发送给您。" });
    const doc = await documentOf(OPEN_IDS.dgContact);
    expect(doc.lines).toContain(`东港区督导室督办单\n${issued!.number}`);
    expect(doc.text).toContain("请完善校车安全台账。");
  });

  it("refuses an unknown number, someone else's order and a stranger, and sends nothing", async () => {
    const number = await numberOf("order");
    const year = shanghaiYear();
    const before = await worker.snapshot();
    const unchanged = (snapshot: Record<string, number>) => ({ ...snapshot, outbox: 0, processed_events: 0, inbox: 0 });
    expect((await worker.say(OPEN_IDS.dgManager, `公文 东港督办〔${year}〕99号`)).texts[0]).toContain(`没有找到编号为「东港督办〔${year}〕99号」的督导文书。`);
    expect((await worker.say(OPEN_IDS.lsManager, `公文 ${number}`)).texts[0]).toContain(`没有找到编号为「${number}」的督导文书。`);
    expect((await worker.say(OPEN_IDS.lsSupervisor, `公文 ${number}`)).texts[0]).toContain(`没有找到编号为「${number}」的督导文书。`);
    expect((await worker.say(OPEN_IDS.dgManager, `公文 ${number} 其他`)).texts[0]).toContain("看不懂「其他」");
    // a crash answers an error toast too (common.internalError); expectRefusedClick tells the refusal from it
    await expectRefusedClick(worker, OPEN_IDS.lsManager, { action: "document_download", number }, "这张卡片不是发给您的");
    await expectRefusedClick(worker, "ou_stranger", { action: "document_download", number }, "还不在督学助手的名册中");
    expect((await worker.say("ou_stranger", `公文 ${number}`)).texts[0]).not.toContain("已生成");
    expect(worker.fake.messages.filter((m) => m.msgType === "file")).toHaveLength(0);
    expect(unchanged(await worker.snapshot())).toEqual(unchanged(before));
  });
});
