import { describe, expect, it } from "vitest";
import { unzipSync } from "fflate";
import { OPEN_IDS } from "../support/offices-roster.ts";
import { useWorker } from "../support/use-worker.ts";

/**
 * `统计 <期间> 报告` (issue 26): the period's work report as a Word document, scoped to the asker's office, each
 * figure what `统计` shows for the same period and scope. The roster: 日照市督导室 over 东港 and 岚山
 * (test/support/offices-roster.ts); orders, visits and problems in the autumn term of 2026.
 */
const SHANGHAI = 8 * 3_600_000;
const at = (date: string) => Date.parse(`${date}T02:00:00Z`) - SHANGHAI + 8 * 3_600_000;
const textOf = (xml: string) =>
  xml
    .split(/<\/w:p>/)
    .map((p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(""))
    .filter(Boolean)
    .join("\n");

describe("统计 … 报告: the work report as a Word document", () => {
  const worker = useWorker({
    roster: "offices",
    setup: async () => {
      await worker.say(OPEN_IDS.cityAdmin, "校历 添加 学期 2026-09-01 2027-01-22 秋季学期");
      const rows: [string, unknown[]][] = [
        // visits: 东港 two planned (one reported, one missed), 岚山 one reported, the city one missed
        ["INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES ('2026-W40', 'S001', 'X-A01', 'routine', 'reported', ?1, ?1)", [at("2026-09-28")]],
        ["INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES ('2026-W41', 'S001', 'X-A01', 'routine', 'missed', ?1, ?1)", [at("2026-10-05")]],
        ["INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES ('2026-W40', 'S002', 'X-B01', 'routine', 'reported', ?1, ?1)", [at("2026-09-28")]],
        ["INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES ('2026-W42', 'S000', 'X-C01', 'routine', 'missed', ?1, ?1)", [at("2026-10-12")]],
        // documents: 东港 a 督办单 overdue, 岚山 a notice closed, the city a bulletin open
        [
          `INSERT INTO orders (number, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, updated_at)
           VALUES ('东港督办〔2026〕1号', 'order', 2026, 1, 'X-A01', '请整改', '2026-10-20', 'issued', 'M001', ?1, ?1)`,
          [at("2026-10-01")],
        ],
        [
          `INSERT INTO orders (number, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, closed_at, updated_at)
           VALUES ('岚山督导通知〔2026〕1号', 'notice', 2026, 1, 'X-B01', '请准备', '2026-10-20', 'closed', 'M002', ?1, ?2, ?2)`,
          [at("2026-10-02"), at("2026-10-10")],
        ],
        [
          `INSERT INTO orders (number, kind, year, seq, school_code, text, due_date, status, issued_by, issued_at, updated_at)
           VALUES ('日照督导通报〔2026〕1号', 'bulletin', 2026, 1, 'X-C01', '请自查', '2099-01-01', 'issued', 'M000', ?1, ?1)`,
          [at("2026-10-03")],
        ],
        // a report with good practice (典型经验), at 东港's school
        [
          `INSERT INTO reports (id, school_code, supervisor_code, week, visit_date, kind, data, version, submitted_by, on_behalf, submission_key, created_at, updated_at)
           VALUES (7001, 'X-A01', 'S001', '2026-W41', '2026-10-09', 'routine', ?1, 1, 'S001', 0, 'k7001', ?2, ?2)`,
          [JSON.stringify({ visitDate: "2026-10-09", kind: "routine", findings: "", goodPractice: "大课间活动丰富，学生参与率高", problems: [] }), at("2026-10-09")],
        ],
      ];
      for (const [sql, params] of rows) await worker.query(sql, ...params);
    },
  });

  async function cardAndReport(openId: string, period: string) {
    const card = JSON.stringify((await worker.say(openId, `统计 ${period}`)).replies[0]!.content);
    const { texts } = await worker.say(openId, `统计 ${period} 报告`);
    const message = worker.fake.messages.filter((m) => m.msgType === "file").at(-1)!;
    const upload = worker.fake.uploadOf(message)!;
    expect(upload.type).toBe("doc");
    expect(upload.name).toMatch(/^督导工作报告_.+\.docx$/);
    const xml = new TextDecoder().decode(unzipSync(upload.bytes)["word/document.xml"]!);
    return { card, texts, xml, text: textOf(xml) };
  }

  /** The card's figure lines (visits, reports by kind, problems, documents): each must be in the report word for word. */
  function figureLines(card: string): string[] {
    const lines = [
      ...card.matchAll(/计划 \d+ 次[^"\\]*/g),
      ...card.matchAll(/督导报告 \d+ 份[^"\\]*/g),
      ...card.matchAll(/共 \d+ 个（严重[^"\\]*/g),
      ...card.matchAll(/下发 \d+ 件[^"\\]*/g),
      ...card.matchAll(/按类型下发：[^"\\]*/g),
      ...card.matchAll(/(?:市级|区县级)责任区：[^"\\]*/g),
    ].map((m) => m[0]);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    return lines;
  }

  for (const period of ["2026", "2026秋"]) {
    it(`the city office's ${period} report: every figure line of its card, and a row per district office`, async () => {
      const { card, texts, xml, text } = await cardAndReport(OPEN_IDS.cityManager, period);
      expect(texts[0]).toMatch(/^已生成 (2026年|秋季学期) 督导工作报告，文件随后私信发送。$/);
      for (const line of figureLines(card)) expect(text).toContain(line);
      expect(text).toContain(period === "2026" ? "日照市督导室2026年责任督学挂牌督导工作报告" : "日照市督导室秋季学期责任督学挂牌督导工作报告");
      expect(text).toContain("下发 3 件");
      expect(text).toContain("计划 4 次");
      expect(text).toContain("本级及所辖督导室 3 个；责任区 3 个（市级 1 个、区县级 2 个）");
      expect(xml).toContain("<w:tbl>");
      // the district offices' rows: 东港 planned 2, done 1, 50%, missed 1; 岚山 1, 1, 100%, 0
      expect(text).toContain("七、各区县督导室");
      expect(text).toContain("东港区督导室\n2\n1\n50%\n1\n0\n0\n1\n1");
      expect(text).toContain("岚山区督导室\n1\n1\n100%\n0\n0\n0\n1\n0");
      expect(text).toContain("八、存在的不足和下一步");
      expect(text).toContain("六、典型经验\n东港第一小学（2026年10月9日）：“大课间活动丰富，学生参与率高”");
    });

    it(`a district office's ${period} report holds only its own zones, as its card does`, async () => {
      const { card, text } = await cardAndReport(OPEN_IDS.dgManager, period);
      for (const line of figureLines(card)) expect(text).toContain(line);
      expect(text).toContain("东港区督导室");
      expect(text).toContain("计划 2 次 · 已完成 1 次（完成率 50%）");
      expect(text).toContain("下发 1 件");
      expect(text).not.toContain("岚山");
      expect(text).not.toContain("各区县督导室");
      expect(text).toContain("大课间活动丰富");
    });
  }

  it("asked in a group, the report goes by direct message; a supervisor is refused and gets no file", async () => {
    const before = worker.fake.messages.filter((m) => m.msgType === "file").length;
    expect((await worker.say(OPEN_IDS.dgManager, "统计 2026 报告", { chatType: "group" })).texts).toEqual(["已私信发送给您。"]);
    const files = worker.fake.messages.filter((m) => m.msgType === "file");
    expect(files).toHaveLength(before + 1);
    expect(files.at(-1)!.receiveId).toBe(OPEN_IDS.dgManager);
    expect((await worker.say(OPEN_IDS.dgSupervisor, "统计 2026 报告")).texts[0]).toContain("只有管理员");
    expect(worker.fake.messages.filter((m) => m.msgType === "file")).toHaveLength(before + 1);
  });
});
