/**
 * The printable nameplates (`名牌 导出`): one A4 page per school with its name, its responsibility supervisor,
 * the office and its public telephone (监督电话), the supervision items and the QR code of its public page.
 * Pure: strings and PNG bytes in, the .docx bytes out. `docx` is loaded here only (lazily, by the use case).
 */
import { AlignmentType, Document, HeadingLevel, ImageRun, Packer, Paragraph, TextRun } from "docx";

export interface NameplateSheet {
  schoolName: string;
  supervisorName: string;
  officeName: string;
  publicPhone: string;
  /** the page's URL (printed under the code, for those who type it) */
  url: string;
  qrPng: Uint8Array;
}

export interface NameplateLabels {
  heading: string;
  supervisor: string;
  office: string;
  phone: string;
  items: string;
  scan: string;
  itemNames: readonly string[];
}

/** the printed QR code's side: 6 cm (96 dpi pixels, as docx measures an image) */
const QR_SIDE_PX = 227;
const FONT = "SimSun";

const line = (label: string, value: string) =>
  new Paragraph({ spacing: { after: 160 }, children: [new TextRun({ text: `${label}：`, bold: true, size: 32, font: FONT }), new TextRun({ text: value, size: 32, font: FONT })] });

export async function nameplateDocx(sheets: readonly NameplateSheet[], labels: NameplateLabels): Promise<Uint8Array> {
  const doc = new Document({
    sections: sheets.map((sheet) => ({
      properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1440, bottom: 1440, left: 1440, right: 1440 } } },
      children: [
        new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: labels.heading, bold: true, size: 56, font: FONT })] }),
        new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 480 }, children: [new TextRun({ text: sheet.schoolName, bold: true, size: 44, font: FONT })] }),
        line(labels.supervisor, sheet.supervisorName),
        line(labels.office, sheet.officeName),
        line(labels.phone, sheet.publicPhone),
        new Paragraph({ spacing: { before: 240, after: 120 }, children: [new TextRun({ text: `${labels.items}：`, bold: true, size: 32, font: FONT })] }),
        ...labels.itemNames.map((item, i) => new Paragraph({ indent: { left: 480 }, children: [new TextRun({ text: `${i + 1}. ${item}`, size: 28, font: FONT })] })),
        new Paragraph({
          alignment: AlignmentType.CENTER,
          spacing: { before: 480 },
          children: [new ImageRun({ type: "png", data: sheet.qrPng, transformation: { width: QR_SIDE_PX, height: QR_SIDE_PX }, altText: { name: "QR", title: labels.scan, description: sheet.url } })],
        }),
        new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: labels.scan, size: 28, font: FONT })] }),
        new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: sheet.url, size: 18, font: FONT, color: "646A73" })] }),
      ],
    })),
  });
  return Packer.pack(doc, "uint8array");
}
