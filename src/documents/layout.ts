/**
 * The page and the type of an official document (公文) as GB/T 9704—2012 《党政机关公文格式》 sets them:
 * A4; 天头 (top) 37 mm, 订口 (left) 28 mm, 版心 156 mm × 225 mm, hence bottom 35 mm and right 26 mm;
 * 22 lines a page, 28 characters a line in 仿宋 三号 (16 pt); title in 小标宋 二号 (22 pt); level-1 headings in 黑体 三号;
 * 发文机关标志 and the separator line in red. Fonts are named, not embedded: Word and WPS use them where installed.
 *
 * Pure: every builder takes the `docx` module (loaded lazily by the caller) and plain data.
 */
import type * as Docx from "docx";

export type DocxModule = typeof Docx;

export const FONT = { title: "方正小标宋简体", body: "仿宋_GB2312", heading: "黑体", heading2: "楷体_GB2312" } as const;
/** half-points: 三号 16 pt, 二号 22 pt; the masthead 小初 36 pt */
export const SIZE = { body: 32, title: 44, masthead: 72 } as const;
export const RED = "FF0000";
/** 28.95 pt per line gives 22 lines in the 225 mm 版心 */
const LINE_TWIPS = 579;

/** 2026-12-04 → 2026年12月4日 (the standard writes 成文日期 in Arabic numerals, without leading zeros) */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

export function run(docx: DocxModule, text: string, options: { font?: string; size?: number; color?: string; bold?: boolean } = {}): Docx.TextRun {
  const font = options.font ?? FONT.body;
  return new docx.TextRun({ text, font: { eastAsia: font, ascii: font, hAnsi: font }, size: options.size ?? SIZE.body, color: options.color, bold: options.bold });
}

type ParagraphOptions = { font?: string; size?: number; color?: string; bold?: boolean; align?: "center" | "right" | "left"; indent?: boolean; rightChars?: number; before?: number; after?: number };

/** One paragraph of body text; `indent`: the first line indented two characters (正文). */
export function para(docx: DocxModule, text: string, options: ParagraphOptions = {}): Docx.Paragraph {
  const size = options.size ?? SIZE.body;
  const charTwips = size * 10; // a full-width character is `size` half-points wide = size × 10 twips
  return new docx.Paragraph({
    children: text ? [run(docx, text, options)] : [],
    alignment: options.align === "center" ? docx.AlignmentType.CENTER : options.align === "right" ? docx.AlignmentType.RIGHT : docx.AlignmentType.JUSTIFIED,
    spacing: { line: size > SIZE.title ? LINE_TWIPS * 2 : LINE_TWIPS, lineRule: docx.LineRuleType.EXACT, before: options.before ?? 0, after: options.after ?? 0 },
    indent: { ...(options.indent ? { firstLine: charTwips * 2 } : {}), ...(options.rightChars ? { right: charTwips * options.rightChars } : {}) },
  });
}

export const heading = (docx: DocxModule, text: string) => para(docx, text, { font: FONT.heading, indent: true });
export const subheading = (docx: DocxModule, text: string) => para(docx, text, { font: FONT.heading2, indent: true });

/** The red separator line under the 发文字号 (a bottom border of a paragraph; 版心 wide). */
export function redLine(docx: DocxModule): Docx.Paragraph {
  return new docx.Paragraph({ children: [], border: { bottom: { style: docx.BorderStyle.SINGLE, size: 12, color: RED, space: 1 } }, spacing: { line: LINE_TWIPS, lineRule: docx.LineRuleType.EXACT } });
}

/** A table of text cells (first row the header, in 黑体), 仿宋 四号-sized cells so wide tables fit. */
export function table(docx: DocxModule, rows: readonly (readonly (string | number)[])[]): Docx.Table {
  return new docx.Table({
    width: { size: 100, type: docx.WidthType.PERCENTAGE },
    rows: rows.map(
      (cells, index) =>
        new docx.TableRow({
          tableHeader: index === 0,
          children: cells.map(
            (cell) =>
              new docx.TableCell({
                children: [new docx.Paragraph({ alignment: docx.AlignmentType.CENTER, children: [run(docx, String(cell), { size: 24, font: index === 0 ? FONT.heading : FONT.body })] })],
              }),
          ),
        }),
    ),
  });
}

/** The document: A4 with the standard's margins, page numbers (— 1 —) at the bottom, packed to base64. */
export async function pack(docx: DocxModule, children: (Docx.Paragraph | Docx.Table)[], meta: { title: string; creator: string }): Promise<string> {
  // rounded, not floored as docx's convertMillimetersToTwip does: A4 is 11906 × 16838 twips
  const mm = (millimetres: number) => Math.round((millimetres * 1440) / 25.4);
  const document = new docx.Document({
    title: meta.title,
    creator: meta.creator,
    styles: { default: { document: { run: { font: { eastAsia: FONT.body, ascii: FONT.body, hAnsi: FONT.body }, size: SIZE.body } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: mm(210), height: mm(297) },
            margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26), header: mm(15), footer: mm(20) },
          },
        },
        footers: {
          default: new docx.Footer({
            children: [new docx.Paragraph({ alignment: docx.AlignmentType.CENTER, children: [new docx.TextRun({ children: ["— ", docx.PageNumber.CURRENT, " —"], font: "宋体", size: 28 })] })],
          }),
        },
        children,
      },
    ],
  });
  return docx.Packer.toBase64String(document);
}
