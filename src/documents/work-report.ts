/**
 * The office's work report for a period (工作报告, issue 26) as a Word document in the official layout: 标题,
 * sections under 黑体 headings with their paragraphs and tables, 署名 and 成文日期. Pure: the sections come composed
 * (every figure from the stats use case, every string in the reader's language); base64 out. `docx` is loaded here only.
 */
import { chineseDate, FONT, heading, pack, para, SIZE, table } from "./layout.ts";

export interface ReportSection {
  heading: string;
  paragraphs: string[];
  /** header row first */
  table?: (string | number)[][];
}

export interface WorkReportData {
  title: string;
  subtitle: string;
  officeName: string;
  sections: ReportSection[];
  /** 成文日期, ISO */
  writtenOn: string;
}

export async function buildWorkReport(data: WorkReportData): Promise<string> {
  const docx = await import("docx");
  const children: Parameters<typeof pack>[1] = [
    para(docx, data.title, { font: FONT.title, size: SIZE.title, align: "center" }),
    para(docx, data.subtitle, { font: FONT.heading2, align: "center" }),
    para(docx, ""),
  ];
  for (const section of data.sections) {
    children.push(heading(docx, section.heading));
    for (const line of section.paragraphs) children.push(para(docx, line, { indent: true }));
    if (section.table && section.table.length > 1) children.push(table(docx, section.table), para(docx, ""));
  }
  children.push(para(docx, ""), para(docx, data.officeName, { align: "right", rightChars: 2 }), para(docx, chineseDate(data.writtenOn), { align: "right", rightChars: 4 }));
  return pack(docx, children, { title: data.title, creator: data.officeName });
}
