import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "../../src/domain/csv-export.ts";

/** What a manager's spreadsheet sees: one cell per value whatever the locale's separator, and no formula runs. */
describe("CSV cells", () => {
  it("quotes a cell with ';' so a ';'-separator locale keeps it in one cell", () => {
    expect(csvCell("甲;乙")).toBe('"甲;乙"');
    expect(toCsv(["a", "b"], [["x;y", "z"]])).toBe('\uFEFFa,b\r\n"x;y",z\r\n');
  });

  it("defuses a formula behind leading separators or spaces, as at the start", () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell(';=HYPERLINK("http://evil")')).toBe(`"';=HYPERLINK(""http://evil"")"`);
    expect(csvCell(",+1")).toBe(`"',+1"`);
    expect(csvCell("  @SUM(A1)")).toBe("'  @SUM(A1)");
    expect(csvCell("; -2")).toBe(`"'; -2"`);
  });

  it("leaves plain text, numbers and inner signs alone", () => {
    expect(csvCell("校门口交通安全整改")).toBe("校门口交通安全整改");
    expect(csvCell(42)).toBe("42");
    expect(csvCell("A-1 = ok")).toBe("A-1 = ok");
    expect(csvCell(null)).toBe("");
  });
});
