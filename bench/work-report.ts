/**
 * CPU of the work report's document (issue 26): builds the Word file of a city's and a province's year report from
 * synthetic sections of their size (tables of every zone, item and office) with the same builder the Worker uses,
 * and prints the time and the file size. Node, not workerd: a guide to the order of magnitude (V8 in both).
 * `npx node bench/work-report.ts`
 */
import { buildWorkReport, type ReportSection } from "../src/documents/work-report.ts";

function sections(zones: number, offices: number): ReportSection[] {
  const zoneRows = Array.from({ length: zones }, (_, i) => [`第${i + 1}责任区（Z${i + 1}）`, i < zones / 8 ? "市级" : "区县级", 120, 110, 10, "92%", 8, "88%"]);
  const officeRows = Array.from({ length: offices }, (_, i) => [`第${i + 1}区县督导室`, 900, 850, "94%", 50, 120, 12, 30, 2]);
  const items = Array.from({ length: 30 }, (_, i) => [`项目${i + 1}`, 40, 2, 18, 20, 30, 10, 1]);
  const line = "计划 500 次 · 已完成 480 次（完成率 96%）· 按时 470 次（94%）· 未完成 20 次 · 顺延 3 次";
  return [
    { heading: "一、基本情况", paragraphs: [line] },
    { heading: "二、督导开展情况", paragraphs: [line, line, line], table: [["责任区", "级别", "计划", "已完成", "未完成", "完成率", "学校数", "月覆盖率"], ...zoneRows] },
    { heading: "三、发现问题及整改", paragraphs: [line], table: [["项目", "问题数", "严重", "一般", "轻微", "已整改销号", "尚未整改", "逾期"], ...items] },
    { heading: "六、典型经验", paragraphs: Array.from({ length: 10 }, () => "某某学校（2026年10月9日）：“大课间活动丰富，学生参与率高，家校协同育人机制健全。”") },
    { heading: "七、各区县督导室", paragraphs: [], table: [["督导室", "计划", "已完成", "完成率", "未完成", "发现问题", "尚未整改", "文书下发", "文书逾期"], ...officeRows] },
  ];
}

for (const [name, zones, offices] of [["city (79 zones, 9 offices)", 79, 9], ["province (1,300 zones, 140 offices)", 1300, 140]] as const) {
  const data = { title: "2026年责任督学挂牌督导工作报告", subtitle: "（2026-01-01至2026-12-31）", officeName: "督导室", sections: sections(zones, offices), writtenOn: "2026-12-31" };
  await buildWorkReport(data); // warm-up (loads docx)
  const runs = 5;
  const started = performance.now();
  let base64 = "";
  for (let i = 0; i < runs; i++) base64 = await buildWorkReport(data);
  const ms = (performance.now() - started) / runs;
  console.log(`${name}: ${ms.toFixed(1)} ms per document, ${Math.round((base64.length * 3) / 4 / 1024)} KiB .docx (${Math.round(base64.length / 1024)} KiB base64)`);
}
