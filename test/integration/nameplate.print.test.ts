import { decode as decodePng } from "fast-png";
import { unzipSync } from "fflate";
import { encode as encodeQr } from "uqr";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { nameplateRoster } from "../support/nameplate-roster.ts";
import { seedRosterFiles } from "../support/roster.ts";
import { useWorker } from "../support/use-worker.ts";

/** Two districts' schools; the city's school lies outside 东港's manager's scope. */
const ROSTER = nameplateRoster(`
X-A01,东港第一小学,Z-A01,S001,primary,public,东港路1号,1
X-A02,东港第二小学,Z-A01,,primary,public,东港路2号,1
X-C01,日照市实验中学,Z-C01,S002,junior,public,市中心路1号,1
`);

const BASE = "https://duxue.example.org";

/** Reads the QR code's modules off the PNG (the centre pixel of each) and checks them against uqr's matrix of `url`. */
function expectQrOf(png: Uint8Array, url: string) {
  const image = decodePng(png);
  expect(image.width).toBe(image.height);
  const matrix = encodeQr(url, { ecc: "M", border: 0 }).data;
  const modules = matrix.length + 8;
  const scale = image.width / modules;
  // enough pixels per module to print, a whole number of them
  expect(Number.isInteger(scale)).toBe(true);
  expect(scale).toBeGreaterThanOrEqual(8);
  const channels = image.channels ?? 1;
  const dark = (x: number, y: number) => (image.data[(y * image.width + x) * channels] as number) < 128;
  const sampled = matrix.map((row, y) => row.map((_, x) => dark((x + 4) * scale + scale / 2, (y + 4) * scale + scale / 2)));
  expect(sampled).toEqual(matrix);
  // the quiet zone: four white modules all round
  for (let i = 0; i < modules; i++) for (const edge of [0, 1, 2, 3, modules - 1, modules - 2, modules - 3, modules - 4]) {
    expect(dark(i * scale + scale / 2, edge * scale + scale / 2)).toBe(false);
    expect(dark(edge * scale + scale / 2, i * scale + scale / 2)).toBe(false);
  }
}

describe("the nameplate's QR image and the printable nameplates", () => {
  const worker = useWorker({
    vars: { PUBLIC_BASE_URL: BASE },
    setup: async () => {
      await seedRosterFiles(worker, ROSTER);
    },
  });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
  });

  it("名牌 <学校> sends the link as text and the page's QR code as an uploaded PNG image", async () => {
    const said = await worker.say("ou_m_dg", "名牌 X-A01");
    const text = said.replies.find((m) => m.msgType === "text")!;
    const url = FakeFeishu.textOf(text).match(/https:\/\/duxue\.example\.org\/p\/[A-Za-z0-9_-]{24}/)![0];
    const images = worker.fake.messages.filter((m) => m.msgType === "image");
    expect(images).toHaveLength(1);
    expect(images[0]!.chatId).toBe(text.chatId);
    const uploaded = worker.fake.uploadedImages.get((images[0]!.content as { image_key: string }).image_key)!;
    expect(uploaded.contentType).toBe("image/png");
    expect(uploaded.imageType).toBe("message");
    expectQrOf(uploaded.bytes, url);
    // the code leads to the school's page
    const page = await worker.fetch(new URL(url).pathname);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("东港第一小学");
  });

  it("asked in a group, the link and the image go to the manager privately; the group gets one line", async () => {
    const said = await worker.say("ou_m_dg", "名牌 X-A01", { chatType: "group" });
    expect(said.texts).toHaveLength(1);
    expect(said.texts[0]).toContain("私信");
    const direct = worker.fake.messagesTo("ou_m_dg");
    expect(direct.map((m) => m.msgType).sort()).toEqual(["image", "text"]);
    expect(worker.fake.messages.filter((m) => m.msgType === "image" && m.chatId === said.replies[0]!.chatId)).toHaveLength(0);
  });

  it("名牌 导出 sends a Word file with one nameplate per page for the schools in scope, each with its QR code", async () => {
    const said = await worker.say("ou_m_dg", "名牌 导出", { chatType: "group" });
    expect(said.texts).toEqual([expect.stringContaining("私信")]);
    const direct = worker.fake.messagesTo("ou_m_dg");
    const note = direct.find((m) => m.msgType === "text")!;
    expect(FakeFeishu.textOf(note)).toContain("2 所学校");
    const file = direct.find((m) => m.msgType === "file")!;
    const upload = worker.fake.uploadOf(file)!;
    expect(upload.name).toMatch(/^挂牌督导公示牌_\d{4}-\d{2}-\d{2}\.docx$/);
    expect(upload.type).toBe("doc");
    expect(upload.bytes.byteLength).toBeLessThan(30 * 1024 * 1024);
    const zip = unzipSync(upload.bytes);
    const xml = new TextDecoder().decode(zip["word/document.xml"]);
    // one section (a new page) per school in scope, none outside it
    expect(xml.match(/<w:sectPr/g)).toHaveLength(2);
    expect(xml).toContain("东港第一小学");
    expect(xml).toContain("东港第二小学");
    expect(xml).not.toContain("日照市实验中学");
    expect(xml).toContain("李督学");
    expect(xml).toContain("（未指定）");
    expect(xml).not.toContain("王督学");
    expect(xml).toContain("0633-7654321");
    expect(xml).toContain("监督电话");
    expect(xml).toContain("校园及周边安全");
    // nothing of the roster beyond the nameplate
    expect(xml).not.toContain("13900001111");
    expect(xml).not.toContain("li@example.org");
    // every school has a valid link now (the one without got one), and its code is on its page
    const tokens = await worker.query<{ school_code: string; token: string }>("SELECT school_code, token FROM nameplate_tokens WHERE revoked_at IS NULL ORDER BY school_code");
    expect(tokens.map((row) => row.school_code)).toEqual(["X-A01", "X-A02"]);
    const media = Object.keys(zip).filter((name) => name.startsWith("word/media/")).sort();
    expect(media).toHaveLength(2);
    const urls = tokens.map((row) => `${BASE}/p/${row.token}`);
    for (const url of urls) expect(xml).toContain(url);
    // the images, in page order, are the codes of the pages' links
    const order = urls.map((url) => xml.indexOf(url));
    expect(order[0]).toBeLessThan(order[1]!);
    const rels = new TextDecoder().decode(zip["word/_rels/document.xml.rels"]);
    const imageIds = [...xml.matchAll(/r:embed="([^"]+)"/g)].map((m) => m[1]!);
    expect(imageIds).toHaveLength(2);
    imageIds.forEach((id, i) => {
      const target = rels.match(new RegExp(`Id="${id}"[^>]*Target="([^"]+)"`))?.[1] ?? rels.match(new RegExp(`Target="([^"]+)"[^>]*Id="${id}"`))![1]!;
      expectQrOf(zip[`word/${target}`]!, urls[i]!);
    });
  });

  it("a supervisor cannot export the nameplates; a stray argument gets the usage; no file, no image, no link issued", async () => {
    const tokens = await worker.count("nameplate_tokens");
    const supervisor = await worker.say("ou_sup_a", "名牌 导出");
    expect(supervisor.texts).toHaveLength(1);
    expect(supervisor.replies.every((m) => m.msgType === "text")).toBe(true);
    const stray = await worker.say("ou_m_dg", "名牌 导出 全部学校");
    expect(stray.texts).toEqual([expect.stringContaining("用法：名牌 导出")]);
    expect(worker.fake.messages.filter((m) => m.msgType === "file" || m.msgType === "image")).toHaveLength(0);
    expect(await worker.count("nameplate_tokens")).toBe(tokens);
  });
});
