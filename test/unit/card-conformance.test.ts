import { describe, expect, it } from "vitest";
import { findCommand } from "../../src/commands/index.ts";
import { outboxCard } from "../../src/commands/outbox.ts";
import { previewCard } from "../../src/commands/plan.ts";
import { buildDigest, digestWindow, type DigestData, type ZoneRow } from "../../src/domain/digest.ts";
import { ESCALATION_DAYS, MAX_LINKS_TEXT, MAX_NOTE_TEXT, MAX_ORDER_TEXT, PAGE_SIZE } from "../../src/domain/orders.ts";
import {
  MAX_GOOD_PRACTICE,
  MAX_PROBLEM_TEXT,
  MAX_TEXT,
  PROBLEM_SLOTS,
  ROUTINE_ITEMS,
  TOPIC_CHECKS,
  maxLength,
  parseReportForm,
  topicChecks,
  type ReportContent,
} from "../../src/domain/report-form.ts";
import { digestCard } from "../../src/feishu/cards/digest-card.ts";
import { extensionDecisionCard, issuedCard, issueFormCard, noteCard, orderCard, type OrderEventView, type OrderView } from "../../src/feishu/cards/order-card.ts";
import { ordersListCard } from "../../src/feishu/cards/order-list.ts";
import { reminderCard, reportFormCard, reportSummaryCard, type ExistingProblem } from "../../src/feishu/cards/report-card.ts";
import { weekCard } from "../../src/feishu/cards/week-card.ts";
import { card, escapeMarkdown, markdown, type Card } from "../../src/feishu/cards/kit.ts";
import { bindOfferCard, boundCard } from "../../src/feishu/cards/digest-group-card.ts";
import { welcomeCard } from "../../src/feishu/cards/welcome-card.ts";
import { choosePlaceCard, photosAddedCard } from "../../src/feishu/cards/photo-block.ts";
import { schoolFileCard } from "../../src/feishu/cards/school-file-card.ts";
import { FILE_ROWS } from "../../src/domain/school-file.ts";
import { cardMessageBodyBytes, checkCard, checkMessageBody, hiddenMarkdownText, listRunOns, longSubtitle, countCardElements, MAX_CARD_BODY_BYTES, MAX_CARD_ELEMENTS, MAX_INPUT_LENGTH } from "../../src/feishu/conformance.ts";
import { messages, type Messages } from "../../src/i18n/index.ts";
import { TOPIC_SEPARATOR } from "../../src/domain/planner.ts";
import { deactivationCard } from "../../src/feishu/cards/roster-card.ts";
import { statsCard } from "../../src/feishu/cards/stats-card.ts";
import { deliveryAlertCard } from "../../src/feishu/cards/delivery-alert-card.ts";
import { feedbackCard } from "../../src/feishu/cards/feedback-card.ts";
import { withPhotos } from "../../src/feishu/cards/photo-block.ts";
import { buildStats, statsPeriod, DOCUMENT_KINDS, type StatsData } from "../../src/domain/stats.ts";
import { FEEDBACK_KINDS, FEEDBACK_MAX_NAME, FEEDBACK_MAX_REPLY, FEEDBACK_MAX_TEXT } from "../../src/domain/nameplate.ts";

const TZ = "Asia/Shanghai";
const zh = messages("zh");
const en = messages("en");

/** Every card must pass as real Feishu would check it: no violation, ≤ 200 elements, body ≤ 30 KB as sent. */
function expectAccepted(built: Card, label: string) {
  const violations = checkCard(built);
  expect(violations, label).toEqual([]);
  expect(countCardElements(built), `${label}: elements`).toBeLessThanOrEqual(MAX_CARD_ELEMENTS);
  expect(cardMessageBodyBytes(built), `${label}: body bytes`).toBeLessThanOrEqual(MAX_CARD_BODY_BYTES);
  expect(hiddenMarkdownText(built), `${label}: markdown Feishu would not display`).toEqual([]);
  expect(listRunOns(built), `${label}: lines Feishu would join to the list item above`).toEqual([]);
  expect(longSubtitle(built), `${label}: a subtitle a phone cuts`).toBeNull();
}

function inputs(node: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) node.forEach((n) => inputs(n, found));
  else if (node && typeof node === "object") {
    const record = node as Record<string, unknown>;
    if (record.tag === "input") found.push(record);
    for (const [key, value] of Object.entries(record)) if (key !== "behaviors") inputs(value, found);
  }
  return found;
}

describe("the conformance check refuses what Feishu refuses", () => {
  const ok = card({ title: "t", elements: [markdown("x")] });
  it("accepts a plain card and counts header texts and components", () => {
    expect(checkCard(ok)).toEqual([]);
    expect(countCardElements(ok)).toBe(2); // header title (plain_text) + markdown
  });

  it("refuses more than 200 elements with 230099 / 11310", () => {
    const big = card({ title: "t", elements: Array.from({ length: 200 }, () => markdown("x")) });
    expect(checkCard(big)[0]).toMatchObject({ code: 230099, errCode: 11310 });
    const atLimit = card({ title: "t", elements: Array.from({ length: 199 }, () => markdown("x")) });
    expect(checkCard(atLimit)).toEqual([]);
  });

  it("refuses an input max_length outside 1–1,000, unknown attributes, tags and enum values", () => {
    const form = (element: Record<string, unknown>) => card({
      title: "t",
      elements: [{ tag: "form", name: "f", elements: [element, { tag: "button", name: "s", form_action_type: "submit", text: { tag: "plain_text", content: "ok" }, behaviors: [{ type: "callback", value: {} }] }] }],
    });
    expect(checkCard(form({ tag: "input", name: "a", max_length: 2000 }))).toMatchObject([{ code: 230099, path: expect.stringContaining("max_length") }]);
    expect(checkCard(form({ tag: "input", name: "a", max_length: 0 }))).toHaveLength(1);
    expect(checkCard(form({ tag: "input", name: "a", max_length: 1000 }))).toEqual([]);
    expect(checkCard(form({ tag: "input", name: "a", maxlength: 10 }))).toHaveLength(1);
    expect(checkCard(form({ tag: "note", elements: [] }))[0]).toMatchObject({ errCode: 200861 });
    expect(checkCard(form({ tag: "button", name: "b", type: "secondary", text: { tag: "plain_text", content: "x" } }))).not.toEqual([]);
    expect(checkCard({ ...ok, header: { ...ok.header!, template: "pink" } })).toHaveLength(1);
    expect(checkCard(card({ title: "t", elements: [{ tag: "table", columns: [{ name: "a", data_type: "string" }], rows: [] }] }))).toHaveLength(1);
    expect(checkCard(card({ title: "t", elements: [{ tag: "chart", aspect_ratio: "3:2", chart_spec: { type: "bar" } }] }))).toHaveLength(1);
  });

  it("refuses forms not at the root, nested forms, tables in forms, repeated names and forms without a submit button", () => {
    const submit = { tag: "button", name: "s", form_action_type: "submit", text: { tag: "plain_text", content: "ok" } };
    const column = (elements: unknown[]) => ({ tag: "column_set", columns: [{ tag: "column", elements }] });
    expect(checkCard(card({ title: "t", elements: [column([{ tag: "form", name: "f", elements: [submit] }])] }))).not.toEqual([]);
    expect(checkCard(card({ title: "t", elements: [{ tag: "form", name: "f", elements: [submit, { tag: "form", name: "g", elements: [] }] }] }))).not.toEqual([]);
    expect(checkCard(card({ title: "t", elements: [{ tag: "form", name: "f", elements: [submit, { tag: "table", columns: [{ name: "a", data_type: "text" }], rows: [] }] }] }))).not.toEqual([]);
    expect(checkCard(card({ title: "t", elements: [{ tag: "form", name: "f", elements: [submit, { tag: "input", name: "s" }] }] }))).not.toEqual([]);
    expect(checkCard(card({ title: "t", elements: [{ tag: "form", name: "f", elements: [{ tag: "input", name: "a" }] }] }))).not.toEqual([]);
    expect(checkCard(card({ title: "t", elements: [{ tag: "form", name: "f", elements: [submit, { tag: "input" }] }] }))).not.toEqual([]);
    expect(checkCard(card({ title: "t", elements: [{ tag: "form", name: "f", elements: [column([submit]), { tag: "input", name: "a" }] }] }))).toEqual([]);
  });

  it("refuses the rules of issue 25: placeholders over 100, multi_select outside a form, repeated option values, bad or repeated element_ids, img without alt", () => {
    const at = (elements: Record<string, unknown>[]) => checkCard(card({ title: "t", elements }));
    const submit = { tag: "button", text: { tag: "plain_text", content: "ok" }, name: "ok", form_action_type: "submit", behaviors: [{ type: "callback", value: {} }] };
    const form = (...elements: Record<string, unknown>[]) => [{ tag: "form", name: "f", elements: [...elements, submit] }];
    const option = (value: string) => ({ text: { tag: "plain_text", content: value }, value });
    expect(at(form({ tag: "input", name: "a", placeholder: { tag: "plain_text", content: "x".repeat(101) } }))[0]?.message).toMatch(/at most 100 characters/);
    expect(at(form({ tag: "input", name: "a", placeholder: { tag: "plain_text", content: "x".repeat(100) } }))).toEqual([]);
    expect(at(form({ tag: "select_static", name: "a", placeholder: { tag: "plain_text", content: "选".repeat(101) }, options: [option("1")] }))[0]?.message).toMatch(/at most 100/);
    expect(at([{ tag: "multi_select_static", name: "m", options: [option("1")] }])[0]?.message).toMatch(/only works inside a form/);
    expect(at(form({ tag: "multi_select_static", name: "m", options: [option("1"), option("2")] }))).toEqual([]);
    expect(at(form({ tag: "select_static", name: "s", options: [option("1"), option("1")] }))[0]?.message).toMatch(/not unique/);
    for (const id of ["1abc", "a".repeat(21), "a-b", ""]) expect(at([{ tag: "markdown", content: "x", element_id: id }])[0]?.path, id).toMatch(/element_id/);
    expect(at([{ tag: "markdown", content: "x", element_id: "a_1" }, { tag: "markdown", content: "y", element_id: "a_1" }])[0]?.message).toMatch(/not unique/);
    expect(at([{ tag: "markdown", content: "x", element_id: "a".repeat(20) }])).toEqual([]);
    expect(at([{ tag: "img", img_key: "img_v3_x" }])[0]?.message).toMatch(/alt/);
    expect(at([{ tag: "img", img_key: "img_v3_x", alt: { tag: "plain_text", content: "照片" } }])).toEqual([]);
  });

  it("refuses a text message body over 150 KB and a uuid over 50 characters", () => {
    expect(checkMessageBody(150_001, { msg_type: "text", content: "{}" })[0]).toMatchObject({ code: 230025 });
    expect(checkMessageBody(150_000, { msg_type: "text", content: "{}" })).toEqual([]);
    expect(checkMessageBody(100, { msg_type: "text", content: "{}", uuid: "u".repeat(51) })[0]?.path).toBe("ROOT -> uuid");
    expect(checkMessageBody(100, { msg_type: "text", content: "{}", uuid: "u".repeat(50) })).toEqual([]);
  });

  it("measures the request body as sent: every quote of the card counts twice", () => {
    const content = JSON.stringify(card({ title: "t", elements: [markdown('"'.repeat(10_000))] }));
    const body = JSON.stringify({ receive_id: "ou_x", msg_type: "interactive", content, uuid: "u" });
    expect(content.length).toBeLessThan(MAX_CARD_BODY_BYTES);
    expect(checkMessageBody(new TextEncoder().encode(body).length, { msg_type: "interactive", content })).toMatchObject([{ code: 230025 }]);
    expect(checkMessageBody(30_000, { msg_type: "interactive", content: JSON.stringify(ok) })).toEqual([]);
    expect(checkMessageBody(30_001, { msg_type: "interactive", content: JSON.stringify(ok) })).toMatchObject([{ code: 230025 }]);
  });
});

describe("card markdown shows every word (常见问题: text in <xxx> is not displayed)", () => {
  const one = (content: string) => card({ title: "t", elements: [markdown(content)] });
  it("finds a <placeholder> outside code, and leaves rendered tags, entities and code alone", () => {
    expect(hiddenMarkdownText(one('send "show <number>" or <编号>'))).toEqual(["<number>", "<编号>"]);
    expect(hiddenMarkdownText(one('<at id=all></at> <font color="red">x</font> <text_tag color="blue">y</text_tag> `查看 <编号>` &#60;number> a < b > c'))).toEqual([]);
  });
  it("the footers and usage lines that carried <placeholders>, in both languages", () => {
    for (const t of [zh, en]) {
      const strings = [
        t.orders.issuedFooter("2026-12-01"),
        t.orders.reportedIntro("王建国", "已整改"),
        t.photos.verifyIntro("王建国", 2),
        t.planning.cardFooter,
        t.planning.previewTooBig,
        escapeMarkdown(t.planning.calendarUsage),
        t.digest.officeFooter("2026-W01"),
      ];
      for (const text of strings) expect(hiddenMarkdownText(one(text)), text).toEqual([]);
    }
  });
});

describe("a header subtitle fits one line of a phone", () => {
  it("finds a subtitle wider than about 20 Chinese characters", () => {
    expect(longSubtitle(card({ title: "t", subtitle: "2026-W49 · 走访日期可选 2026-11-30 至 2026-12-06", elements: [] }))).not.toBeNull();
    expect(longSubtitle(card({ title: "t", subtitle: "2026-09-01 至 2027-01-22", elements: [] }))).toBeNull();
  });
});

describe("every card builder at its largest passes", () => {
  it("the photo chooser with 200-character school names: every button's text within Feishu's 100 characters", () => {
    const school = "某".repeat(200);
    for (const t of [zh, en]) {
      const reports = Array.from({ length: 5 }, (_, i) => ({ kind: "report" as const, id: i, label: t.photos.reportOption(school, t.photos.date("2026-12-01"), 9) }));
      const orders = Array.from({ length: 5 }, (_, i) => ({ kind: "order" as const, id: i, label: t.photos.orderOption("日照督办〔2026〕123号", school, 9) }));
      const chooser = choosePlaceCard(t, 9, reports, orders, [t.photos.chooseIntro(9)]);
      expectAccepted(chooser, "photo chooser");
      const texts = [...JSON.stringify(chooser).matchAll(/"tag":"button","text":\{"tag":"plain_text","content":"([^"]*)"/g)].map((m) => m[1]!);
      expect(texts).toHaveLength(10);
      for (const text of texts) expect([...text].length).toBeLessThanOrEqual(100);
      expectAccepted(photosAddedCard(t, [school, school], Array.from({ length: 9 }, (_, i) => `img_v3_${i}`), 9), "photos added");
    }
  });

  it("the school's file with the longest names, every list full and nine photos", () => {
    const long = "校".repeat(200);
    for (const t of [zh, en]) {
      const built = schoolFileCard(
        t,
        { code: "S".repeat(20), name: long, zoneCode: "Z".repeat(20), zoneName: long, supervisorCode: "P".repeat(20), supervisorName: long.slice(0, 50) },
        { name: long, from: "2026-09-01" },
        {
          visits: Array.from({ length: FILE_ROWS }, (_, i) => ({ week: "2026-W40", visitDate: "2026-10-01", reason: i % 2 ? "complaint" : "routine", kind: "routine", status: "reported" })),
          visitCounts: { planned: 999, reported: 999, missed: 999 },
          problems: Array.from({ length: FILE_ROWS }, (_, i) => ({ item: "safety", topic: "校园安全", description: `*_<at id=all>${long}`, severity: "serious" as const, fixedOnSpot: i % 2, deadline: "2026-12-01", orderStatus: "issued", visitDate: "2026-10-01" })),
          problemCounts: { open: 999, fixed: 999 },
          orders: Array.from({ length: FILE_ROWS }, () => ({ number: "日照督办〔2026〕1234号", kind: "order", status: "issued", dueDate: "2026-11-01" })),
          orderCounts: { total: 9999, open: 999, overdue: 999 },
          photos: [],
          photoCount: 999,
        },
        Array.from({ length: 9 }, (_, i) => `img_v3_${"k".repeat(40)}${i}`),
        "2026-12-04",
      );
      expectAccepted(built, "school file");
    }
  });

  it("the welcome card for every role and the digest group cards with the longest names", () => {
    const long = "督".repeat(200);
    for (const t of [zh, en]) {
      for (const role of ["supervisor", "manager", "school_contact", "admin"] as const) {
        expectAccepted(welcomeCard(t, { name: long.slice(0, 50), role, roleName: t.common.roles[role], place: `${long} · ${long} · ${long}` }), `welcome ${role}`);
      }
      const offer = bindOfferCard(t, `oc_${"a".repeat(100)}`, long, long);
      expectAccepted(offer, "bind offer");
      const button = JSON.stringify(offer).match(/"tag":"button","text":\{"tag":"plain_text","content":"([^"]*)"/)![1]!;
      expect(button.length, "button text ≤ 100 characters").toBeLessThanOrEqual(100);
      expectAccepted(boundCard(t, long, long), "bound");
    }
  });

  it("the report form: every topic check of the month, every problem slot, an edit on behalf with the longest texts ≤ 180 elements", () => {
    // a month with every known topic and an office-named one: the most checks a form can ask
    const topic = [...Object.keys(TOPIC_CHECKS), "自定义专项"].join(TOPIC_SEPARATOR);
    const checks = topicChecks(topic);
    expect(checks.length).toBe(new Set(Object.values(TOPIC_CHECKS).flat()).size);
    const content: ReportContent = {
      visitDate: "2026-03-04",
      kind: "special_topic",
      methods: { class_observation: 99, document_review: 99, meetings: 99, interviews: 99, questionnaires: 99, walkthrough: 99 },
      items: Object.fromEntries(ROUTINE_ITEMS.map((item, i) => [item, { state: (["problem", "not_checked", "normal"] as const)[i % 3], note: "" }])) as ReportContent["items"],
      topic,
      topicChecks: Object.fromEntries(checks.map((check, i) => [check, (["not_met", "not_checked", "met"] as const)[i % 3]!])),
      findings: "\"长\\".repeat(MAX_TEXT / 2),
      goodPractice: "\"好\\".repeat(MAX_GOOD_PRACTICE / 2),
      problems: [],
    };
    const existing: ExistingProblem[] = Array.from({ length: 30 }, (_, i) => ({
      item: ROUTINE_ITEMS[i % 8]!,
      description: "问".repeat(MAX_PROBLEM_TEXT),
      severity: "serious",
      fixedOnSpot: false,
      deadline: "2026-04-01",
      orderNumber: `整改〔2026〕${i + 100}号`,
    }));
    for (const t of [zh, en]) {
      const form = reportFormCard({
        t,
        schoolName: "日照市某某区某某镇某某街道中心小学附属幼儿园".repeat(2),
        week: "2026-W10",
        window: { from: "2026-02-23", to: "2026-03-08" },
        topic,
        defaultDate: "2026-03-04",
        defaultKind: "routine",
        submitValue: { report_id: 123456, version: 99 },
        initial: content,
        existingProblems: existing,
        onBehalfOf: "欧阳某某某",
      });
      expectAccepted(form, "report form");
      expect(countCardElements(form)).toBeLessThanOrEqual(180);
      // nothing was dropped to fit: every slot and every check is there
      const text = JSON.stringify(form);
      for (let n = 1; n <= PROBLEM_SLOTS; n++) expect(text).toContain(`"name":"p${n}_desc"`);
      for (const check of checks) expect(text).toContain(`"value":"${check}"`);
    }
  });

  it("the report form's inputs take exactly what the server accepts", () => {
    const form = reportFormCard({ t: zh, schoolName: "学校", week: "2026-W10", window: { from: "2026-02-23", to: "2026-03-05" }, topic: "五项管理", defaultDate: "2026-03-04", defaultKind: "routine", submitValue: {} });
    const fields = inputs(form);
    expect(fields.length).toBeGreaterThan(8);
    for (const field of fields) {
      const name = field.name as string;
      expect(field.max_length, name).toBe(maxLength(name));
      expect(field.max_length as number).toBeLessThanOrEqual(MAX_INPUT_LENGTH);
    }
    // and one character more is refused by the server
    const rules = { topic: null, window: { from: "2026-02-23", to: "2026-03-05" }, today: "2026-03-05" };
    const base = { visit_date: "2026-03-04", visit_kind: "routine", m_walkthrough: "1" };
    expect(parseReportForm({ ...base, findings: "长".repeat(MAX_TEXT) }, rules).ok).toBe(true);
    expect(parseReportForm({ ...base, findings: "长".repeat(MAX_TEXT + 1) }, rules).ok).toBe(false);
    expect(parseReportForm({ ...base, m_walkthrough: "99" }, rules).ok).toBe(true);
  });

  it("the report summary with the longest texts and many problems, and the reminder of a full week", () => {
    const problems: ExistingProblem[] = Array.from({ length: 40 }, (_, i) => ({ item: "safety", description: "<at id=all></at>".repeat(30), severity: "general", fixedOnSpot: i % 2 === 0, deadline: "2026-04-01", orderNumber: null }));
    const topic = Object.keys(TOPIC_CHECKS).join(TOPIC_SEPARATOR);
    const content: ReportContent = {
      visitDate: "2026-03-04",
      kind: "routine",
      methods: { class_observation: 99, document_review: 99, meetings: 99, interviews: 99, questionnaires: 99, walkthrough: 99 },
      items: Object.fromEntries(ROUTINE_ITEMS.map((item) => [item, { state: "problem", note: "注".repeat(200) }])) as ReportContent["items"],
      topic,
      topicChecks: Object.fromEntries(topicChecks(topic).map((check) => [check, "not_met"])),
      findings: "&".repeat(MAX_TEXT),
      goodPractice: "*".repeat(MAX_GOOD_PRACTICE),
      problems: [],
    };
    for (const t of [zh, en]) {
      expectAccepted(reportSummaryCard({ t, reportId: 1, schoolName: "学校".repeat(20), supervisorName: "督学".repeat(10), enteredBy: "主任".repeat(10), version: 99, content, problems, locked: false }), "summary");
      expectAccepted(reminderCard(t, "2026-W10", Array.from({ length: 21 }, (_, i) => ({ assignmentId: i, schoolName: "很长的学校名称".repeat(5), reason: "follow_up" }))), "reminder");
    }
  });

  it("the weekly plan card of a supervisor with the most visits (20 a week, plus a follow-up)", () => {
    const visits = Array.from({ length: 21 }, (_, i) => ({
      id: 100_000 + i,
      schoolCode: `SCH${String(i).padStart(6, "0")}`,
      schoolName: "日照市东港区某某镇某某村完全小学".repeat(2),
      address: "山东省日照市东港区某某路某某号某某小区南门往东".repeat(3),
      reason: i % 2 ? "follow_up" : "special_topic",
      topic: Object.keys(TOPIC_CHECKS).join(TOPIC_SEPARATOR),
      status: "planned",
      note: i % 3 === 0 ? "substitute_for:S0001" : null,
    }));
    for (const t of [zh, en]) expectAccepted(weekCard(t, { week: "2026-W10", supervisorName: "欧阳某某", visits, range: "3月2日–3月6日", substitutes: new Map([["S0001", "王某某"]]) }), "week card");
  });

  const order: OrderView = {
    number: "整改〔2026〕12345号",
    kind: "rectification",
    schoolCode: "SCH001",
    schoolName: "日照市实验小学".repeat(4),
    text: '"<at id=all></at>"\\'.repeat(MAX_ORDER_TEXT / 20),
    dueDate: "2026-03-20",
    status: "issued",
    issuedByName: "王主任",
    issuedAt: Date.parse("2026-03-01T02:00:00Z"),
  };
  const history: OrderEventView[] = [];
  for (let round = 0; round < 40; round++) {
    history.push({ at: order.issuedAt + round, actorName: "赵老师", action: "reported", note: '"报"\\'.repeat((MAX_NOTE_TEXT + MAX_LINKS_TEXT) / 4) });
    history.push({ at: order.issuedAt + round, actorName: "王主任", action: "sent_back", note: '"退"'.repeat(MAX_NOTE_TEXT / 3) });
  }

  it("order cards with the longest texts and the whole history, with their forms, and every input within 1–1,000", () => {
    for (const t of [zh, en]) {
      for (const status of ["issued", "acknowledged", "reported", "overdue"] as const) {
        const built = orderCard(t, { ...order, status: status as OrderView["status"] }, { today: "2026-04-30", timeZone: TZ, actions: true, history, download: true });
        expectAccepted(built, `order card ${status}`);
        for (const field of inputs(built)) expect(field.max_length as number).toBeLessThanOrEqual(MAX_INPUT_LENGTH);
      }
      expectAccepted(extensionDecisionCard(t, order, { ordinal: 9, requesterName: "赵老师", requestedDue: "2026-05-01", reason: "延".repeat(MAX_NOTE_TEXT) }, { today: "2026-03-09", timeZone: TZ }), "extension decision");
      const issue = issueFormCard(t, "order");
      expectAccepted(issue, "issue form");
      for (const field of inputs(issue)) expect(field.max_length as number).toBeLessThanOrEqual(MAX_INPUT_LENGTH);
      expectAccepted(
        issuedCard(t, "order", "2026-04-01", Array.from({ length: 50 }, (_, i) => ({ number: `督办〔2026〕${i + 1000}号`, schoolCode: `SCH${i}`, schoolName: "学校名称".repeat(6), recipients: 3 }))),
        "issued",
      );
      expectAccepted(noteCard("标题", "说明".repeat(1000)), "note");
    }
  });

  it("the order list: a full page in a middle page", () => {
    const rows = Array.from({ length: PAGE_SIZE }, (_, i) => ({ number: `整改〔2026〕${i + 10000}号`, kind: "rectification" as const, schoolCode: `SCH${i}`, schoolName: "学校名称很长".repeat(10), dueDate: "2026-01-01", status: "issued" as const }));
    const counts = { total: 99_999, open: 99_999, overdue: 99_999, escalation: 99_999, closed: 99_999, cancelled: 99_999 };
    for (const t of [zh, en]) {
      expectAccepted(ordersListCard(t, { counts, rows, matching: 99_999 }, "overdue", { kind: "zone", code: "Z001", name: "某某区第一责任区".repeat(3) }, 5, "2026-03-09"), "order list");
    }
  });

  it("the digest at province scale (16 cities, 1,264 zones)", () => {
    const zone = (code: string, level: "city" | "district"): ZoneRow => ({ code, name: `很长的责任区名称${code}`.repeat(3), level, leadCode: null, leadOpenId: null, leadLang: null });
    const zones = Array.from({ length: 1264 }, (_, i) => zone(`Z${i}`, i % 9 === 0 ? "city" : "district"));
    const data: DigestData = {
      window: digestWindow("2026-W10", TZ, ESCALATION_DAYS),
      zones,
      visits: zones.map((z, i) => ({ zone: z.code, planned: 30, reported: 30 - (i % 7), missed: i % 7, carried: i % 3 })),
      problems: zones.map((z) => ({ zone: z.code, item: "safety", topic: null, severity: "serious" as const, n: 20 })),
      serious: zones.flatMap((z, i) => Array.from({ length: 5 }, (_, k) => ({ zone: z.code, problemId: i * 5 + k, schoolCode: `S${i}-${k}`, schoolName: "学校".repeat(30), item: "safety", topic: null, description: '"问题"'.repeat(200) }))),
      orders: [],
      escalations: [],
      unvisited: zones.flatMap((z, i) => Array.from({ length: 5 }, (_, k) => ({ zone: z.code, code: `S${i}-${k}`, name: "学校".repeat(30), total: 22 }))),
      misses: [],
      calendar: [],
    };
    for (const t of [zh, en]) {
      expectAccepted(digestCard(t, buildDigest(data, { kind: "office" }, 1000)), "office digest");
      expectAccepted(digestCard(t, buildDigest(data, { kind: "zone", code: "Z1" }, 1000)), "zone digest");
    }
  });

  it("help for every role, and the outbox status with the most errors", async () => {
    for (const t of [zh, en] as Messages[]) {
      for (const role of ["admin", "manager", "supervisor", "school_contact"] as const) {
        const replies: unknown[] = [];
        await findCommand("help")!.run({ t, actor: { role, name: "欧阳某某", code: "M001" }, reply: (content: unknown) => replies.push(content) } as never);
        expect(replies).toHaveLength(1);
        expectAccepted(replies[0] as Card, `help ${role}`);
      }
      const errors = Array.from({ length: 8 }, (_, i) => ({ state: "dead" as const, ref: `order:${"x".repeat(80)}:${i}`, attempts: 12, updated_at: Date.now(), last_error: '"err"'.repeat(100) }));
      expectAccepted(outboxCard(t, { pending: 1e6, sending: 1e6, sent: 1e9, failed: 1e6, dead: 1e6 }, errors, { count: 1e6, maxId: 1e9 }, TZ), "outbox");
    }
  });

  it("the plan preview of a province (1,264 zones, 28,000 schools), whole and for one zone", () => {
    const zones = new Map(Array.from({ length: 1264 }, (_, i) => [`Z${i}`, `很长的责任区名称第${i}责任区`]));
    const schools = new Map<string, { name: string; zoneCode: string }>();
    const supervisors = new Map<string, { name: string; zoneCode: string }>();
    const assignments: { supervisorCode: string; schoolCode: string; reason: string; status: string }[] = [];
    for (let z = 0; z < 1264; z++) {
      for (let k = 0; k < 5; k++) supervisors.set(`S${z}-${k}`, { name: `督学${z}-${k}`, zoneCode: `Z${z}` });
      for (let k = 0; k < 22; k++) {
        schools.set(`SCH${z}-${k}`, { name: `某某市某某区第${k}中心小学`, zoneCode: `Z${z}` });
        assignments.push({ supervisorCode: `S${z}-${k % 5}`, schoolCode: `SCH${z}-${k}`, reason: "routine", status: "planned" });
      }
    }
    const prepared = { week: "2026-W10", data: { zones, schools, supervisors, run: null }, plan: { week: "2026-W10", schoolDays: ["2026-03-02", "2026-03-06"], assignments, carriedOver: assignments.slice(0, 500), existing: [] } };
    for (const t of [zh, en]) {
      expectAccepted(previewCard(t, prepared as never, null), "plan preview");
      expectAccepted(previewCard(t, prepared as never, "Z7"), "plan preview of a zone");
    }
    expect(JSON.stringify(previewCard(zh, prepared as never, null))).toMatch(/另有 \d+ 个责任区/);
  });
  it("the deactivation card of a people.csv that leaves out 20,000 people with the longest names and file name", () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ code: `${"P".repeat(15)}${String(i).padStart(5, "0")}`, name: `*_<at id=all>${"欧".repeat(50)}`, role: ["supervisor", "manager", "school_contact", "admin"][i % 4]!, orders: 99_999, visits: 99_999 }));
    for (const t of [zh, en]) {
      const built = deactivationCard(t, `${"名".repeat(200)}.csv`, rows, { at: Date.parse("2026-12-05T02:00:00Z"), hash: "f".repeat(64) });
      expectAccepted(built, "deactivation");
      // the list is cut with "and N more": not 20,000 lines
      expect(JSON.stringify(built)).toContain(String(20_000 - 30));
    }
  });

  it("the stats card of a province with the longest zone names, every item and topic, every document kind and the public's feedback", () => {
    const terms = [{ kind: "term" as const, name: "学".repeat(100), startDate: "2026-09-01", endDate: "2027-01-22" }];
    const items = [...ROUTINE_ITEMS, "topic", "other"];
    const topics = Object.keys(TOPIC_CHECKS);
    for (const spec of [{ kind: "current_term" as const }, { kind: "range" as const, from: "2025-12-04", to: "2026-12-04" }]) {
      const period = statsPeriod(spec, terms, Date.parse("2026-12-04T02:00:00Z"), TZ);
      if ("error" in period) throw new Error(period.error);
      const zones = Array.from({ length: 1264 }, (_, i) => ({ code: `Z${String(i).padStart(19, "0")}`, name: `*_<at id=all>${"区".repeat(100)}${i}`, level: i % 8 ? ("district" as const) : ("city" as const), leadCode: null, leadOpenId: null, leadLang: null }));
      const data: StatsData = {
        period,
        zones,
        visits: zones.map((z, i) => ({ zone: z.code, planned: 9_999, reported: 5_000 + i, missed: 4_000, pending: 999 - (i % 999), carried: 99, onTime: 4_000 })),
        reports: zones.flatMap((z) => ["routine", "special", "follow_up", "complaint", "other"].map((kind) => ({ zone: z.code, kind, n: 9_999, unplanned: 999 }))),
        coverage: zones.map((z) => ({ zone: z.code, schools: 999, covered: 500 })),
        supervisors: Array.from({ length: 28_000 }, (_, i) => ({ code: `S${String(i).padStart(19, "0")}`, name: `*_<at id=all>${"督".repeat(50)}`, zone: zones[i % 1264]!.code, planned: 99, reported: i % 99, missed: 99 - (i % 99), onTime: 0 })),
        problems: zones.flatMap((z) =>
          items.flatMap((item) =>
            (["minor", "general", "serious"] as const).map((severity, k) => ({ zone: z.code, item, topic: item === "topic" ? topics[k % topics.length]! : null, severity, n: 999, fixedOnSpot: 99, rectified: 99, rectifiedOnTime: 9, open: 800, overdue: 700 })),
          ),
        ),
        orders: zones.flatMap((z) => DOCUMENT_KINDS.map((kind) => ({ zone: z.code, kind, issued: 999, acknowledged: 99, closed: 99, closedOnTime: 9, extended: 99, open: 900, overdue: 800, escalated: 700 }))),
      };
      for (const scope of [{ kind: "all" as const }, { kind: "zones" as const, codes: zones.map((z) => z.code), label: `*_<at id=all>${"市".repeat(200)}` }]) {
        const stats = buildStats(data, scope);
        for (const t of [zh, en]) expectAccepted(statsCard(t, stats, { received: 999_999, replied: 999_999, visited: 999_999 }), `stats ${spec.kind} ${scope.kind}`);
      }
    }
  });

  it("the delivery alert with a million dead messages, every reason and the longest names and error", () => {
    for (const t of [zh, en]) {
      const built = deliveryAlertCard(t, {
        total: 1_000_000,
        unavailable: { count: 999_999, names: Array.from({ length: 5_000 }, () => `*_<at id=all>${"名".repeat(50)}`) },
        expired: 999_999,
        unsure: 999_999,
        rejected: { count: 999_999, sample: `<at id=all></at>*_${'"'.repeat(1_000)}` },
        maxId: Number.MAX_SAFE_INTEGER,
      });
      expectAccepted(built, "delivery alert");
    }
  });

  it("the feedback card of every kind and state with the longest text, name, telephone and reply", () => {
    for (const t of [zh, en]) {
      for (const kind of FEEDBACK_KINDS) {
        const input = { kind, text: `<at id=all></at>*_${'"'.repeat(FEEDBACK_MAX_TEXT - 18)}`, name: "*".repeat(FEEDBACK_MAX_NAME), phone: "+86 138 0000 0000 转 9999" };
        for (const state of [
          { status: "new" as const, reply: null, handledByName: null },
          { status: "accepted" as const, reply: null, handledByName: "督".repeat(50) },
          { status: "replied" as const, reply: `<at id=all></at>${'"'.repeat(FEEDBACK_MAX_REPLY - 16)}`, handledByName: "督".repeat(50) },
        ]) {
          for (const title of [undefined, { text: "转".repeat(100), template: "red" as const }]) {
            expectAccepted(feedbackCard(t, "校".repeat(200), `FB-${"9".repeat(20)}`, input, "2026-12-04 23:59", state, title), `feedback ${kind} ${state.status}`);
          }
        }
      }
    }
  });

  it("the largest order card and report summary with nine photos appended (the verifier's card, the summary with photos)", () => {
    const keys = Array.from({ length: 9 }, (_, i) => `img_v3_${"k".repeat(40)}${i}`);
    for (const t of [zh, en]) {
      const built = orderCard(t, { ...order, status: "reported" }, { today: "2026-04-30", timeZone: TZ, actions: true, history, download: true });
      expectAccepted(withPhotos(built, t, keys, 999), "order card with photos");
      for (const count of [1, 2, 5, 9]) expectAccepted(withPhotos(built, t, keys.slice(0, count), count), `order card with ${count} photos`);
    }
  });
});
