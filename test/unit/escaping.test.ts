import { describe, expect, it } from "vitest";
import { buildDigest, digestWindow, type DigestData } from "../../src/domain/digest.ts";
import { ESCALATION_DAYS } from "../../src/domain/orders.ts";
import { digestCard } from "../../src/feishu/cards/digest-card.ts";
import { escapeMarkdown, neutralizeText, textContent } from "../../src/feishu/cards/kit.ts";
import { extensionDecisionCard, issuedCard, orderCard } from "../../src/feishu/cards/order-card.ts";
import { ordersListCard } from "../../src/feishu/cards/order-list.ts";
import { reminderCard, reportFormCard, reportSummaryCard } from "../../src/feishu/cards/report-card.ts";
import { weekCard } from "../../src/feishu/cards/week-card.ts";
import { messages } from "../../src/i18n/index.ts";

/** Injection-proof output: hostile user or roster text fed to every builder comes out inert. */

const HOSTILE = [
  '<at user_id="all"></at>',
  "[x](http://evil)",
  "**boom**",
  "# heading",
  "- item",
  "> quote",
  "1. first",
  "line\n# second-line heading\n- second-line item\n> second-line quote",
  "<font color='red'>red</font> ~~strike~~ `code` $x$ \\* _em_",
];
const ALL = HOSTILE.join(" ");

/** Every markdown content in a card (text elements included). */
function markdownContents(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => markdownContents(n, out));
  else if (node && typeof node === "object") {
    const record = node as Record<string, unknown>;
    if ((record.tag === "markdown" || record.tag === "lark_md") && typeof record.content === "string") out.push(record.content);
    for (const [key, value] of Object.entries(record)) if (key !== "behaviors") markdownContents(value, out);
  }
  return out;
}

/** What hostile text would do in card markdown if it got through unescaped. */
function injectionsIn(markdown: string): string[] {
  const found: string[] = [];
  if (/<at\b/i.test(markdown)) found.push("mention");
  if (/<font\b/i.test(markdown)) found.push("tag");
  if (/\]\(http:\/\/evil/.test(markdown)) found.push("link");
  if (/\*\*boom/.test(markdown)) found.push("bold");
  if (/~~strike/.test(markdown) || /`code`/.test(markdown) || /\$x\$/.test(markdown) || /_em_/.test(markdown)) found.push("inline markup");
  for (const line of markdown.split("\n")) {
    if (/^\s*(#+|[-+*]|>|\d+\.)\s*(heading|item|quote|first|second-line)/.test(line)) found.push(`line start: ${line.trim().slice(0, 20)}`);
  }
  return found;
}

function expectInert(card: unknown) {
  const contents = markdownContents(card);
  expect(contents.length).toBeGreaterThan(0);
  expect(contents.flatMap(injectionsIn)).toEqual([]);
}

describe("escapeMarkdown", () => {
  it("turns every special character of Feishu's list into an entity and keeps the text readable", () => {
    for (const text of HOSTILE) expect(injectionsIn(escapeMarkdown(text))).toEqual([]);
    expect(escapeMarkdown("a\\b*c_d~e`f#g-h+i!j(k)l:m\"n'o$p[q]r<s>t&u").replace(/&(#\d+|amp|lt|gt);/g, "")).toBe("abcdefghijklmnopqrstu");
    expect(escapeMarkdown("日照市实验小学（SCH001）")).toBe("日照市实验小学（SCH001）");
    expect(escapeMarkdown("1. first")).not.toMatch(/^1\./);
  });

  it("makes no heading of an `===` line under text and no code block of a 4-space indent", () => {
    const underlined = escapeMarkdown("校园安全\n===\n也是标题\n---");
    expect(underlined.split("\n")[1]).not.toMatch(/^=+$/);
    expect(underlined.split("\n")[3]).not.toMatch(/^-+$/);
    const indented = escapeMarkdown("说明：\n    这一行缩进了四格\n\t制表符");
    for (const line of indented.split("\n").slice(1)) expect(line).not.toMatch(/^(?: {4}|\t)/);
    expect(indented.replace(/&#32;/g, " ").replace(/&#9;/g, "\t").replace(/&#58;/g, ":")).toBe("说明：\n    这一行缩进了四格\n\t制表符");
  });

  it("is linear: a 100,000-character hostile cell is escaped at once", () => {
    const long = "*_[](".repeat(20_000);
    expect(escapeMarkdown(long).length).toBeGreaterThan(long.length);
  });
});

describe("neutralizeText (every text message)", () => {
  it("keeps **bold** (which a text message renders) from coming out of user text", () => {
    for (const text of ["**粗体**", "***粗斜体***", "a ** b ** c"]) expect(neutralizeText(text)).not.toContain("**");
    expect(neutralizeText("2*3 = 6")).toBe("2*3 = 6");
  });

  it("keeps a mention, a style tag and a link from coming out of user text", () => {
    for (const text of ['补报 <at user_id="all"></at>', "<AT user_id=all>x</at>", "<b>bold</b> <i>i</i> <u>u</u> <s>s</s>", "[x](http://evil)", "[x] (http://evil)"]) {
      const neutral = neutralizeText(text);
      expect(neutral).not.toMatch(/<\s*\/?\s*(at|b|i|u|s)\b/i);
      expect(neutral).not.toMatch(/\]\s*\(/);
    }
    expect(textContent('没有找到学校「<at user_id="all"></at>」').text).not.toContain("<at");
    // The bot's own usage lines (angle brackets around words that are no tag) stay as they are.
    expect(neutralizeText("用法：补报 <学校>；督办 <schools> <due> <text>")).toBe("用法：补报 <学校>；督办 <schools> <due> <text>");
  });
});

describe("every card builder with hostile user and roster text", () => {
  const zh = messages("zh");
  const order = {
    number: "督办〔2026〕1号",
    kind: "order" as const,
    schoolCode: "SCH001",
    schoolName: ALL,
    text: ALL,
    dueDate: "2026-12-01",
    status: "issued" as const,
    issuedByName: ALL,
    issuedAt: Date.parse("2026-11-01T00:00:00Z"),
  };
  const options = { today: "2026-11-02", timeZone: "Asia/Shanghai" };

  it("order card, its history, the extension decision and the issued card", () => {
    expectInert(orderCard(zh, order, { ...options, actions: true, history: [{ at: order.issuedAt, actorName: ALL, action: "issued", note: ALL }] }));
    expectInert(extensionDecisionCard(zh, order, { ordinal: 1, requesterName: ALL, requestedDue: "2026-12-10", reason: ALL }, options));
    expectInert(issuedCard(zh, "order", "2026-12-01", [{ number: order.number, schoolCode: "SCH001", schoolName: ALL, recipients: 1 }]));
  });

  it("orders list", () => {
    const counts = { total: 1, open: 1, overdue: 0, escalation: 0, closed: 0, cancelled: 0 };
    const list = { counts, rows: [{ number: order.number, kind: "order" as const, schoolCode: "SCH001", schoolName: ALL, dueDate: "2026-12-01", status: "issued" as const }], matching: 1 };
    expectInert(ordersListCard(zh, list as never, "open", { kind: "school", code: "SCH001", name: ALL }, 0, "2026-11-02"));
  });

  it("week plan and report reminder", () => {
    const visit = { id: 1, schoolCode: "SCH001", schoolName: ALL, address: ALL, reason: "routine", topic: ALL, status: "planned", note: ALL };
    expectInert(weekCard(zh, { week: "2026-W48" as never, supervisorName: ALL, visits: [visit], range: "11月23日–11月29日" }));
    expectInert(reminderCard(zh, "2026-W48", [{ assignmentId: 1, schoolName: ALL, reason: "routine" }]));
  });

  it("report form and summary", () => {
    const input = {
      t: zh,
      schoolName: ALL,
      week: "2026-W10",
      window: { from: "2026-02-23", to: "2026-03-05" },
      topic: ALL,
      defaultDate: "2026-03-05",
      defaultKind: "routine" as const,
      submitValue: { assignment_id: 12 },
      onBehalfOf: ALL,
      existingProblems: [{ id: 1, item: "safety", severity: "serious", description: ALL, deadline: null, status: "open" }] as never,
    };
    expectInert(reportFormCard(input));
    const content = { visitDate: "2026-03-05", kind: "routine", methods: [], items: {}, findings: ALL, goodPractice: ALL, topic: null, topicChecks: {}, problems: [] } as never;
    expectInert(reportSummaryCard({ t: zh, reportId: 1, schoolName: ALL, supervisorName: ALL, enteredBy: ALL, version: 1, content, problems: input.existingProblems, locked: false }));
  });

  it("the digest", () => {
    const window = digestWindow("2026-W10", "Asia/Shanghai", ESCALATION_DAYS);
    const data: DigestData = {
      window,
      zones: [{ code: "Z01", name: ALL, level: "city", leadCode: null, leadOpenId: null, leadLang: null }],
      visits: [{ zone: "Z01", planned: 2, reported: 1, missed: 1, carried: 0 }],
      problems: [{ zone: "Z01", item: "safety", topic: null, severity: "serious", n: 1 }],
      serious: [{ zone: "Z01", problemId: 1, schoolCode: "SCH001", schoolName: ALL, item: "safety", topic: null, description: ALL }],
      orders: [],
      escalations: [{ zone: "Z01", number: order.number, schoolCode: "SCH001", schoolName: ALL, dueDate: "2026-01-01", status: "issued" }],
      unvisited: [{ zone: "Z01", code: "SCH002", name: ALL, total: 1 }],
      misses: [{ code: "S001", name: ALL, zone: "Z01", missed: 2 }],
      calendar: [],
    };
    expectInert(digestCard(zh, buildDigest(data, { kind: "office" })));
    expectInert(digestCard(zh, buildDigest(data, { kind: "zone", code: "Z01" })));
  });
});

describe("order numbers (an office's prefix is roster text) in card markdown", () => {
  const zh = messages("zh");
  const number = `${ALL}〔2026〕1号`;
  const order = {
    number,
    kind: "order" as const,
    schoolCode: "SCH001",
    schoolName: "日照市实验小学",
    text: "围墙破损",
    dueDate: "2026-12-01",
    status: "issued" as const,
    issuedByName: "刘主任",
    issuedAt: Date.parse("2026-11-01T00:00:00Z"),
  };

  it("the order card, the issued card and the orders list keep a hostile number inert", () => {
    expectInert(orderCard(zh, order, { today: "2026-11-02", timeZone: "Asia/Shanghai", actions: true }));
    expectInert(issuedCard(zh, "order", "2026-12-01", [{ number, schoolCode: "SCH001", schoolName: "日照市实验小学", recipients: 1 }]));
    const counts = { total: 1, open: 1, overdue: 0, escalation: 0, closed: 0, cancelled: 0 };
    const list = { counts, rows: [{ number, kind: "order" as const, schoolCode: "SCH001", schoolName: "日照市实验小学", dueDate: "2026-12-01", status: "issued" as const }], matching: 1 };
    expectInert(ordersListCard(zh, list as never, "open", { kind: "school", code: "SCH001", name: "日照市实验小学" }, 0, "2026-11-02"));
  });
});
