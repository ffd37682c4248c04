/**
 * A supervision order (督办单, 整改通知书, 督导通知, 督导通报) as an official document (GB/T 9704—2012): the red
 * 发文机关标志, the 发文字号, the red line, 标题, 主送机关, 正文, 附件说明, 署名 and 成文日期, and, when asked, the
 * record as an annex (整改情况). Pure: plain data in (every string already in the reader's language), base64 out;
 * the `docx` library is loaded here only, so no other reply evaluates it.
 */
import { chineseDate, FONT, heading, pack, para, redLine, RED, SIZE, table } from "./layout.ts";

export interface OrderDocumentData {
  /** 发文机关 (the issuing office's name), e.g. 日照市教育督导室 */
  officeName: string;
  /** 发文机关标志: the office's name and the kind */
  masthead: string;
  number: string;
  title: string;
  /** 主送机关 */
  schoolName: string;
  /** the order's text, paragraph by paragraph */
  text: string;
  problemsHeading: string;
  problems: string[];
  requirementsHeading: string;
  /** the deadline line, the sentence on what the school must send back */
  requirements: string[];
  /** 附件说明: the label and the attachments' names (none: no 附件说明) */
  attachmentsLabel: string;
  attachments: string[];
  /** 成文日期, ISO (written 2026年12月4日) */
  issuedOn: string;
  sealSpace: string;
  /** the annex (整改情况), present when the record was asked for */
  record: { label: string; title: string; summary: string; header: string[]; rows: string[][] } | null;
}

export async function buildOrderDocument(data: OrderDocumentData): Promise<string> {
  const docx = await import("docx");
  const blank = () => para(docx, "");
  const children = [
    para(docx, data.masthead, { font: FONT.title, size: SIZE.masthead, color: RED, align: "center" }),
    blank(),
    para(docx, data.number, { align: "center" }),
    redLine(docx),
    blank(),
    para(docx, data.title, { font: FONT.title, size: SIZE.title, align: "center" }),
    blank(),
    para(docx, `${data.schoolName}：`),
    ...data.text.split(/\r?\n/).filter((line) => line.trim()).map((line) => para(docx, line.trim(), { indent: true })),
  ];
  if (data.problems.length) children.push(heading(docx, data.problemsHeading), ...data.problems.map((line) => para(docx, line, { indent: true })));
  children.push(heading(docx, data.requirementsHeading), ...data.requirements.map((line) => para(docx, line, { indent: true })));
  if (data.attachments.length) {
    children.push(blank());
    // 附件说明: "附件：" indented two characters; several attachments are numbered
    data.attachments.forEach((name, index) => {
      const numbered = data.attachments.length > 1 ? `${index + 1}. ${name}` : name;
      children.push(para(docx, index === 0 ? `${data.attachmentsLabel}${numbered}` : numbered, { indent: true }));
    });
  }
  // 署名 and 成文日期: right, the date four characters from the right edge, space above for the seal
  children.push(blank(), blank(), para(docx, data.sealSpace, { align: "right", rightChars: 4, color: "808080" }), blank());
  children.push(para(docx, data.officeName, { align: "right", rightChars: 2 }));
  children.push(para(docx, chineseDate(data.issuedOn), { align: "right", rightChars: 4 }));
  if (data.record) {
    children.push(new docx.Paragraph({ children: [new docx.PageBreak()] }));
    children.push(para(docx, data.record.label, { font: FONT.heading }));
    children.push(blank(), para(docx, data.record.title, { font: FONT.title, size: SIZE.title, align: "center" }), blank());
    children.push(para(docx, data.record.summary, { indent: true }), blank());
    return pack(docx, [...children, table(docx, [data.record.header, ...data.record.rows])], { title: data.number, creator: data.officeName });
  }
  return pack(docx, children, { title: data.number, creator: data.officeName });
}
