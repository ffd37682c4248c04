import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/env.ts";
import { ATTACH_WINDOW_MS, imageKeysOf, imageTypeOf, planAttach, recentSubject, summarizeBatch } from "../../src/domain/photos.ts";
import { maySeeSchool } from "../../src/domain/school-access.ts";
import { termOf } from "../../src/domain/school-file.ts";
import { photoBlock } from "../../src/feishu/cards/photo-block.ts";
import { messages } from "../../src/i18n/index.ts";
import { WHOLE_SCOPE, type OfficeScope } from "../../src/domain/offices.ts";

describe("photo messages", () => {
  it("reads the image key of an image message and every image of a post, in order, once each", () => {
    expect(imageKeysOf("image", { image_key: "img_v3_abc" })).toEqual(["img_v3_abc"]);
    const post = {
      title: "现场",
      content: [[{ tag: "text", text: "围墙" }, { tag: "img", image_key: "img_1" }], [{ tag: "img", image_key: "img_2" }], [{ tag: "img", image_key: "img_1" }], [{ tag: "media", file_key: "file_x", image_key: "img_cover" }]],
    };
    expect(imageKeysOf("post", post)).toEqual(["img_1", "img_2"]);
    expect(imageKeysOf("post", { zh_cn: post })).toEqual(["img_1", "img_2"]);
    expect(imageKeysOf("post", { title: "", content: [[{ tag: "text", text: "no images" }]] })).toEqual([]);
    expect(imageKeysOf("text", { text: "img_1" })).toEqual([]);
    expect(imageKeysOf("image", { image_key: "../../etc" })).toEqual([]);
    expect(imageKeysOf("post", { content: [Array.from({ length: 20 }, (_, i) => ({ tag: "img", image_key: `img_${i}` }))] })).toHaveLength(9);
  });

  it("tells images from other bytes by their signature", () => {
    expect(imageTypeOf(new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0]))).toBe("image/jpeg");
    expect(imageTypeOf(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe("image/png");
    expect(imageTypeOf(new TextEncoder().encode("GIF89a...."))).toBe("image/gif");
    expect(imageTypeOf(new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 "))).toBe("image/webp");
    expect(imageTypeOf(new TextEncoder().encode("\0\0\0\x18ftypheic"))).toBe("image/heic");
    expect(imageTypeOf(new TextEncoder().encode("%PDF-1.7"))).toBeNull();
    expect(imageTypeOf(new Uint8Array([]))).toBeNull();
  });
});

describe("where photos go", () => {
  const now = 1_800_000_000_000;
  it("to the newest report or rectification report of the last 30 minutes, else nowhere", () => {
    expect(recentSubject([{ kind: "report", id: 1, at: now - 10 * 60_000 }, { kind: "order", id: 7, at: now - 60_000 }], now)).toEqual({ kind: "order", id: 7 });
    expect(recentSubject([{ kind: "report", id: 1, at: now - ATTACH_WINDOW_MS }], now)).toEqual({ kind: "report", id: 1 });
    expect(recentSubject([{ kind: "report", id: 1, at: now - ATTACH_WINDOW_MS - 1 }], now)).toBeNull();
    expect(recentSubject([], now)).toBeNull();
  });

  it("held photos fill the place up to 9, skipping bytes it already has", () => {
    const held = Array.from({ length: 5 }, (_, i) => ({ id: i + 1, sha256: `h${i}` }));
    expect(planAttach(held, { count: 0, sha256s: [] })).toEqual({ attach: [1, 2, 3, 4, 5], refused: [] });
    expect(planAttach(held, { count: 6, sha256s: ["h0", "a", "b", "c", "d", "e"] })).toEqual({
      attach: [2, 3, 4],
      refused: [
        { id: 1, refusal: "duplicate" },
        { id: 5, refusal: "limit" },
      ],
    });
    expect(planAttach([{ id: 1, sha256: "x" }, { id: 2, sha256: "x" }], { count: 0, sha256s: [] }).refused).toEqual([{ id: 2, refusal: "duplicate" }]);
  });

  it("one batch is summed per place", () => {
    const groups = summarizeBatch([
      { subjectKind: "report", subjectId: 3, state: "attached", refusal: null },
      { subjectKind: "report", subjectId: 3, state: "attached", refusal: null },
      { subjectKind: "report", subjectId: 3, state: "refused", refusal: "limit" },
      { subjectKind: "held", subjectId: null, state: "held", refusal: null },
      { subjectKind: "held", subjectId: null, state: "refused", refusal: "too_large" },
    ]);
    expect(groups).toEqual([
      { place: { kind: "report", id: 3 }, added: 2, refused: { limit: 1 } },
      { place: "held", added: 1, refused: { too_large: 1 } },
    ]);
  });
});

describe("photos in cards", () => {
  const t = messages("zh");
  it("one image alone, a combination for more, at most 9, and says how many cannot be shown", () => {
    expect(photoBlock(t, [], 0)).toEqual([]);
    expect(photoBlock(t, ["img_a"], 1)[1]).toMatchObject({ tag: "img", img_key: "img_a" });
    const nine = photoBlock(t, Array.from({ length: 9 }, (_, i) => `img_${i}`), 9);
    expect(nine[1]).toMatchObject({ tag: "img_combination", combination_mode: "trisect" });
    expect((nine[1] as { img_list: unknown[] }).img_list).toHaveLength(9);
    expect(photoBlock(t, ["a", "b"], 2)[1]).toMatchObject({ combination_mode: "double" });
    expect(photoBlock(t, ["a", "b", "c", "d"], 4)[1]).toMatchObject({ combination_mode: "bisect" });
    expect(JSON.stringify(photoBlock(t, ["a"], 3))).toContain("2 张照片暂时无法显示");
  });
});

describe("who sees a school's file", () => {
  const school = { code: "SCH001", supervisorCode: "S001", zoneCode: "Z01", zoneLevel: "district" as const, zoneDistrict: "东港区" };
  const city: OfficeScope = WHOLE_SCOPE;
  const donggang: OfficeScope = { office: null, isTop: false, districts: ["东港区"] };
  const lanshan: OfficeScope = { office: null, isTop: false, districts: ["岚山区"] };
  it("its nameplate supervisor, its contacts, the managers whose office covers its zone; nobody else", () => {
    expect(maySeeSchool({ code: "S001", role: "supervisor", schoolCode: null, scope: city }, school)).toBe(true);
    expect(maySeeSchool({ code: "S002", role: "supervisor", schoolCode: null, scope: city }, school)).toBe(false);
    expect(maySeeSchool({ code: "C001", role: "school_contact", schoolCode: "SCH001", scope: city }, school)).toBe(true);
    expect(maySeeSchool({ code: "C002", role: "school_contact", schoolCode: "SCH002", scope: city }, school)).toBe(false);
    expect(maySeeSchool({ code: "C003", role: "school_contact", schoolCode: null, scope: city }, school)).toBe(false);
    expect(maySeeSchool({ code: "M001", role: "manager", schoolCode: null, scope: city }, school)).toBe(true);
    expect(maySeeSchool({ code: "admin:x", role: "admin", schoolCode: null, scope: city }, school)).toBe(true);
    expect(maySeeSchool({ code: "M003", role: "manager", schoolCode: null, scope: donggang }, school)).toBe(true);
    expect(maySeeSchool({ code: "M004", role: "manager", schoolCode: null, scope: lanshan }, school)).toBe(false);
    expect(maySeeSchool({ code: "M004", role: "manager", schoolCode: null, scope: donggang }, { ...school, zoneLevel: "city", zoneDistrict: "" })).toBe(false);
  });

  it("covers the current term, else the latest begun, else the last half year", () => {
    const terms = [
      { name: "2026春", startDate: "2026-02-20", endDate: "2026-07-10" },
      { name: "2026秋", startDate: "2026-09-01", endDate: "2027-01-20" },
    ];
    expect(termOf(terms, "2026-11-30")).toEqual({ name: "2026秋", from: "2026-09-01", to: "2026-11-30" });
    expect(termOf(terms, "2026-08-01")).toEqual({ name: "2026春", from: "2026-02-20", to: "2026-08-01" });
    expect(termOf([], "2026-11-30")).toEqual({ name: null, from: "2026-05-31", to: "2026-11-30" });
  });
});

describe("PHOTO_RETENTION_DAYS", () => {
  const env = { FEISHU_APP_ID: "a", FEISHU_APP_SECRET: "b", FEISHU_VERIFICATION_TOKEN: "c" } as never;
  it("defaults to two years and refuses a bad value by name", () => {
    expect(loadConfig({ ...(env as object) } as never).PHOTO_RETENTION_DAYS).toBe(730);
    expect(loadConfig({ ...(env as object), PHOTO_RETENTION_DAYS: "90" } as never).PHOTO_RETENTION_DAYS).toBe(90);
    expect(() => loadConfig({ ...(env as object), PHOTO_RETENTION_DAYS: "forever" } as never)).toThrow(/PHOTO_RETENTION_DAYS/);
    expect(() => loadConfig({ ...(env as object), PHOTO_RETENTION_DAYS: "0" } as never)).toThrow(/PHOTO_RETENTION_DAYS/);
  });
});

describe("recorded payload shapes", () => {
  it("an image message and a post with images, as im.message.receive_v1 delivers them (接收消息内容结构)", async () => {
    const { readFileSync } = await import("node:fs");
    const read = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/feishu/${name}`, import.meta.url), "utf8"));
    const image = read("im.message.receive_v1.p2p_image.json").event.message;
    expect(imageKeysOf(image.message_type, JSON.parse(image.content))).toEqual(["img_v3_02ab_8a1b2c3d-4e5f-6071-8293-a4b5c6d7e8fg"]);
    const post = read("im.message.receive_v1.p2p_post_images.json").event.message;
    expect(imageKeysOf(post.message_type, JSON.parse(post.content))).toEqual([
      "img_v3_02ab_1f2e3d4c-5b6a-7980-8172-635445362718g",
      "img_v3_02ab_2a3b4c5d-6e7f-8091-a2b3-c4d5e6f70819g",
    ]);
  });
});

describe("bounded downloads", () => {
  it("a body over the cap is refused while reading, declared or streamed; one within it arrives whole", async () => {
    const { fetchHttpInstance, FileTooLargeError } = await import("../../src/feishu/client.ts");
    const streamed = (size: number, declare: boolean) =>
      (async () =>
        new Response(
          new ReadableStream({
            start(controller) {
              for (let sent = 0; sent < size; sent += 1000) controller.enqueue(new Uint8Array(Math.min(1000, size - sent)));
              controller.close();
            },
          }),
          { headers: { "content-type": "image/jpeg", ...(declare ? { "content-length": String(size) } : {}) } },
        )) as unknown as typeof fetch;
    const get = (fetcher: typeof fetch) => fetchHttpInstance(fetcher).request({ url: "http://x/r", method: "GET", responseType: "arraybuffer", maxContentLength: 5000 });
    await expect(get(streamed(6000, true))).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(get(streamed(6000, false))).rejects.toBeInstanceOf(FileTooLargeError);
    expect(((await get(streamed(5000, false))) as ArrayBuffer).byteLength).toBe(5000);
  });
});
