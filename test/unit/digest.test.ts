import { describe, expect, it } from "vitest";
import {
  buildDigest,
  completionRate,
  digestWindow,
  localMidnightMs,
  summarise,
  zoneHasNews,
  type DigestData,
  type ZoneRow,
} from "../../src/domain/digest.ts";
import { ESCALATION_DAYS } from "../../src/domain/orders.ts";
import { cardBytes, digestCard, MAX_CARD_BYTES } from "../../src/feishu/cards/digest-card.ts";
import { messages } from "../../src/i18n/index.ts";

const TZ = "Asia/Shanghai";
const zh = messages("zh");
const en = messages("en");

const zone = (code: string, level: "city" | "district", name = `${code} 责任区`): ZoneRow => ({ code, name, level, leadCode: null, leadOpenId: null, leadLang: null });

function data(partial: Partial<DigestData> = {}, week = "2026-W10"): DigestData {
  return {
    window: digestWindow(week, TZ, ESCALATION_DAYS),
    zones: [zone("Z01", "city"), zone("Z02", "district")],
    visits: [],
    problems: [],
    serious: [],
    orders: [],
    escalations: [],
    unvisited: [],
    misses: [],
    calendar: [],
    ...partial,
  };
}

describe("digest window", () => {
  it("runs Monday to Monday in the office's time zone", () => {
    const w = digestWindow("2026-W10", TZ, ESCALATION_DAYS);
    expect(w).toMatchObject({ monday: "2026-03-02", sunday: "2026-03-08", asOf: "2026-03-09", monthStart: "2026-03-01", monthTo: "2026-03-08", monthFirstWeek: "2026-W10" });
    expect(new Date(w.startMs).toISOString()).toBe("2026-03-01T16:00:00.000Z");
    expect(new Date(w.endMs).toISOString()).toBe("2026-03-08T16:00:00.000Z");
    expect(w.escalationCutoff).toBe("2026-02-23");
    expect(localMidnightMs("2026-07-01", "Europe/Berlin")).toBe(Date.parse("2026-06-30T22:00:00Z"));
  });

  it("gives a week across two months to the month of its Thursday, counted to the month's end", () => {
    // Mon 27 Apr – Sun 3 May 2026: Thursday 30 April
    const w = digestWindow("2026-W18", TZ, ESCALATION_DAYS);
    expect(w).toMatchObject({ monthStart: "2026-04-01", monthTo: "2026-04-30", monthFirstWeek: "2026-W14" });
    // Mon 30 Mar – Sun 5 Apr 2026: Thursday 2 April
    expect(digestWindow("2026-W14", TZ, ESCALATION_DAYS)).toMatchObject({ monthStart: "2026-04-01", monthTo: "2026-04-05", monthFirstWeek: "2026-W14" });
    // a year boundary: Mon 28 Dec 2026 – Sun 3 Jan 2027, Thursday 31 December
    expect(digestWindow("2026-W53", TZ, ESCALATION_DAYS)).toMatchObject({ monthStart: "2026-12-01", monthTo: "2026-12-31", monthFirstWeek: "2026-W49" });
  });
});

describe("summaries", () => {
  it("keeps the top N and says how many more", () => {
    expect(summarise([1, 2, 3, 4, 5], 3)).toEqual({ total: 5, shown: [1, 2, 3], more: 2 });
    expect(summarise([1, 2], 3)).toEqual({ total: 2, shown: [1, 2], more: 0 });
    expect(summarise([1, 2], 2, 40)).toEqual({ total: 40, shown: [1, 2], more: 38 });
    expect(completionRate({ planned: 3, reported: 2 })).toBe(67);
    expect(completionRate({ planned: 0, reported: 0 })).toBeNull();
  });
});

describe("buildDigest", () => {
  const rows = data({
    visits: [
      { zone: "Z01", planned: 3, reported: 2, missed: 1, carried: 1 },
      { zone: "Z02", planned: 4, reported: 1, missed: 3, carried: 0 },
    ],
    problems: [
      { zone: "Z01", item: "safety", topic: null, severity: "serious", n: 1 },
      { zone: "Z01", item: "topic", topic: "校园安全", severity: "general", n: 2 },
      { zone: "Z02", item: "hygiene", topic: null, severity: "minor", n: 3 },
    ],
    orders: [
      // due long ago, open: overdue and escalation (at Monday 9 March)
      { zone: "Z01", status: "acknowledged", dueDate: "2026-02-10", n: 2, issued: 0, closed: 0 },
      // exactly 14 days overdue: overdue, not escalation
      { zone: "Z02", status: "issued", dueDate: "2026-02-23", n: 1, issued: 0, closed: 0 },
      // closed in the week
      { zone: "Z02", status: "closed", dueDate: "2026-02-01", n: 1, issued: 0, closed: 1 },
      // due on the week's Sunday: one day overdue on Monday
      { zone: "Z02", status: "reported", dueDate: "2026-03-08", n: 1, issued: 1, closed: 0 },
      { zone: "Z01", status: "cancelled", dueDate: "2026-01-01", n: 5, issued: 0, closed: 0 },
    ],
    escalations: [
      { zone: "Z01", number: "督办〔2026〕1号", schoolCode: "A", schoolName: "甲校", dueDate: "2026-02-10", status: "acknowledged" },
      { zone: "Z01", number: "督办〔2026〕2号", schoolCode: "B", schoolName: "乙校", dueDate: "2026-02-10", status: "acknowledged" },
    ],
    unvisited: [
      { zone: "Z02", code: "C", name: "丙校", total: 3 },
      { zone: "Z01", code: "A", name: "甲校", total: 1 },
    ],
    misses: [
      { code: "S9", name: "赵", zone: "Z02", missed: 3 },
      { code: "S8", name: "钱", zone: "Z01", missed: 1 },
    ],
  });

  it("adds up the office's numbers", () => {
    const d = buildDigest(rows, { kind: "office" });
    expect(d.visits).toEqual({ planned: 7, reported: 3, missed: 4, carried: 1 });
    expect(d.rate).toBe(43);
    expect(d.byLevel.city).toEqual({ planned: 3, reported: 2, missed: 1, carried: 1 });
    expect(d.zones.shown.map((z) => z.code)).toEqual(["Z02", "Z01"]);
    expect(d.problems).toEqual({ total: 6, serious: 1, general: 2, minor: 3 });
    expect(d.byItem).toEqual([
      { item: "safety", n: 1 },
      { item: "hygiene", n: 3 },
      { item: "topic", n: 2 },
    ]);
    expect(d.byTopic).toEqual([{ topic: "校园安全", n: 2 }]);
    expect(d.orders).toEqual({ issued: 1, closed: 1, open: 4, overdue: 4, escalation: 2 });
    expect(d.escalations.shown.map((e) => [e.number, e.days])).toEqual([
      ["督办〔2026〕1号", 27],
      ["督办〔2026〕2号", 27],
    ]);
    expect(d.unvisited.total).toBe(4);
    expect(d.misses.shown.map((m) => m.code)).toEqual(["S9"]);
    expect(d.empty).toBe(false);
  });

  it("cuts the same rows to one zone", () => {
    const d = buildDigest(rows, { kind: "zone", code: "Z02" });
    expect(d.zoneName).toBe("Z02 责任区");
    expect(d.visits).toEqual({ planned: 4, reported: 1, missed: 3, carried: 0 });
    expect(d.problems.total).toBe(3);
    expect(d.orders).toEqual({ issued: 1, closed: 1, open: 2, overdue: 2, escalation: 0 });
    expect(d.unvisited.total).toBe(3);
    expect(d.misses.total).toBe(1);
    expect(zoneHasNews(d)).toBe(true);
  });

  it("lists nobody as unvisited or missing in a month with no school days so far", () => {
    const d = buildDigest({ ...rows, calendar: [{ kind: "break", name: "假期", startDate: "2026-03-01", endDate: "2026-03-31" } as never] }, { kind: "office" });
    expect(d.monthHasSchoolDays).toBe(false);
    expect(d.unvisited.total).toBe(0);
    expect(d.misses.total).toBe(0);
    expect(FakeText(digestCard(zh, d))).toContain("3月至今没有上课日");
  });

  it("an empty week is a short card and no news for a zone", () => {
    const d = buildDigest(data(), { kind: "office" });
    expect(d.empty).toBe(true);
    const card = digestCard(zh, d);
    expect(cardBytes(card)).toBeLessThan(1_000);
    expect(card.header?.template).toBe("grey");
    expect(zoneHasNews(buildDigest(data(), { kind: "zone", code: "Z01" }))).toBe(false);
  });
});

function FakeText(value: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (typeof node === "string") out.push(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") Object.values(node).forEach(walk);
  };
  walk(value);
  return out.join("\n");
}

describe("digest card", () => {
  it("escapes roster and report text", () => {
    const d = buildDigest(
      data({
        visits: [{ zone: "Z01", planned: 1, reported: 1, missed: 0, carried: 0 }],
        problems: [{ zone: "Z01", item: "safety", topic: null, severity: "serious", n: 1 }],
        serious: [{ zone: "Z01", problemId: 1, schoolCode: "A", schoolName: "<at id=all></at>学校", item: "safety", topic: null, description: "**粗体** [链接](http://x)\n第二行" }],
      }),
      { kind: "office" },
    );
    const text = FakeText(digestCard(zh, d));
    expect(text).toContain("&lt;at id&#61;all&gt;&lt;/at&gt;学校");
    // Since issue #14 every character of Feishu's markdown list is an entity, the link's parentheses and colon included.
    expect(text).toContain("&#42;&#42;粗体&#42;&#42; &#91;链接&#93;&#40;http&#58;//x&#41; 第二行");
  });

  it("stays under the size limit however long the lists are, and says how many more", () => {
    const zones = Array.from({ length: 2000 }, (_, i) => zone(`Z${i}`, i % 9 === 0 ? "city" : "district", `很长的责任区名称第${i}责任区`.repeat(3)));
    const d = buildDigest(
      data({
        zones,
        visits: zones.map((z, i) => ({ zone: z.code, planned: 20, reported: 20 - (i % 5), missed: i % 5, carried: i % 3 })),
        problems: zones.map((z) => ({ zone: z.code, item: "safety", topic: null, severity: "serious" as const, n: 20 })),
        serious: zones.flatMap((z, i) =>
          Array.from({ length: 20 }, (_, k) => ({ zone: z.code, problemId: i * 20 + k, schoolCode: `S${i}-${k}`, schoolName: "学校".repeat(30), item: "safety", topic: null, description: "问题".repeat(200) })),
        ),
        unvisited: zones.flatMap((z, i) => Array.from({ length: 20 }, (_, k) => ({ zone: z.code, code: `S${i}-${k}`, name: "学校".repeat(30), total: 20 }))),
      }),
      { kind: "office" },
      500,
    );
    for (const t of [zh, en]) {
      const card = digestCard(t, d);
      expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
      const text = FakeText(card);
      expect(text).toMatch(t === zh ? /另有 \d+ 个严重问题/ : /and \d+ more serious problems/);
    }
  });

  it("renders in English", () => {
    const d = buildDigest(data({ visits: [{ zone: "Z01", planned: 2, reported: 1, missed: 1, carried: 0 }] }), { kind: "office" });
    const text = FakeText(digestCard(en, d));
    expect(text).toContain("Weekly digest · 2026-W10 (03-02 – 03-08)");
    expect(text).toContain("Planned 2 · reported 1 (50% done) · missed 1 · carried over 0");
  });
});
