/**
 * A school's nameplate QR code as a PNG: the matrix from uqr (pure JS), drawn black on white with the
 * 4-module quiet zone ISO/IEC 18004 asks for, and enough pixels per module to print sharply at nameplate
 * size (10 px a module: a version-4 code is 410 px, about 3.5 cm at 300 dpi). 8-bit grayscale, encoded by
 * fast-png (pure JS). No clock, no platform: bytes in, bytes out.
 */
import { encode as encodePng } from "fast-png";
import { encode as encodeQr } from "uqr";

/** modules of white around the code (the standard's quiet zone) */
export const QR_QUIET_MODULES = 4;
/** pixels per module */
export const QR_PIXELS_PER_MODULE = 10;

/** The code's modules (`true`: dark), without a border; error correction M (15%), enough for a printed plate. */
export function nameplateQrMatrix(url: string): boolean[][] {
  return encodeQr(url, { ecc: "M", border: 0 }).data;
}

/** The PNG of the URL's QR code, with its quiet zone; `scale` pixels per module. */
export function nameplateQrPng(url: string, scale = QR_PIXELS_PER_MODULE): { png: Uint8Array; size: number } {
  const matrix = nameplateQrMatrix(url);
  const modules = matrix.length + 2 * QR_QUIET_MODULES;
  const size = modules * scale;
  const pixels = new Uint8Array(size * size).fill(255);
  matrix.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      const top = (y + QR_QUIET_MODULES) * scale;
      const left = (x + QR_QUIET_MODULES) * scale;
      for (let dy = 0; dy < scale; dy++) pixels.fill(0, (top + dy) * size + left, (top + dy) * size + left + scale);
    }),
  );
  return { png: encodePng({ width: size, height: size, data: pixels, channels: 1, depth: 8 }), size };
}
