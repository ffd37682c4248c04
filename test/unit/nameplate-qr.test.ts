import { decode as decodePng } from "fast-png";
import { encode as encodeQr } from "uqr";
import { describe, expect, it } from "vitest";
import { nameplateQrPng, QR_PIXELS_PER_MODULE, QR_QUIET_MODULES } from "../../src/documents/nameplate-qr.ts";

describe("the nameplate's QR PNG", () => {
  const url = "https://duxue.example.org/p/AAAAAAAAAAAAAAAAAAAAAAAa";

  it("draws every module of the URL's code, black on white, inside a 4-module white quiet zone", () => {
    const { png, size } = nameplateQrPng(url);
    const image = decodePng(png);
    const matrix = encodeQr(url, { ecc: "M", border: 0 }).data;
    expect(image.width).toBe(size);
    expect(size).toBe((matrix.length + 2 * QR_QUIET_MODULES) * QR_PIXELS_PER_MODULE);
    const at = (x: number, y: number) => image.data[y * image.width + x];
    // every pixel of a module has the module's colour (no blur at the edges)
    for (let my = 0; my < matrix.length; my++)
      for (let mx = 0; mx < matrix.length; mx++) {
        const expected = matrix[my]![mx] ? 0 : 255;
        for (const [dx, dy] of [[0, 0], [QR_PIXELS_PER_MODULE - 1, 0], [0, QR_PIXELS_PER_MODULE - 1], [QR_PIXELS_PER_MODULE - 1, QR_PIXELS_PER_MODULE - 1]] as const)
          expect(at((mx + QR_QUIET_MODULES) * QR_PIXELS_PER_MODULE + dx, (my + QR_QUIET_MODULES) * QR_PIXELS_PER_MODULE + dy)).toBe(expected);
      }
    const quiet = QR_QUIET_MODULES * QR_PIXELS_PER_MODULE;
    for (let i = 0; i < size; i++)
      for (let j = 0; j < quiet; j++) {
        expect(at(i, j)).toBe(255);
        expect(at(j, i)).toBe(255);
        expect(at(i, size - 1 - j)).toBe(255);
        expect(at(size - 1 - j, i)).toBe(255);
      }
  });

  it("another link gives another code; the PNG stays small enough for a message or a page of the Word file", () => {
    const a = nameplateQrPng(url).png;
    const b = nameplateQrPng("https://duxue.example.org/p/BBBBBBBBBBBBBBBBBBBBBBBb").png;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(a.byteLength).toBeLessThan(10_000);
  });
});
