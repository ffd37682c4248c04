import { describe, expect, it } from "vitest";
import {
  assignedWindow,
  canonicalContent,
  extraWindow,
  formFieldNames,
  keepNotes,
  parseReportForm,
  ROUTINE_ITEMS,
  topicChecks,
  type FormRules,
} from "../../src/domain/report-form.ts";
import { topicOfMonth } from "../../src/domain/planner.ts";
import { reportFormCard, reportSummaryCard, topicLabel } from "../../src/feishu/cards/report-card.ts";
import { messages } from "../../src/i18n/index.ts";

const rules: FormRules = { topic: null, window: assignedWindow("2026-W10", "2026-03-05"), today: "2026-03-05" };

function validForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  // everything normal: a multi_select_static with nothing chosen is simply absent from form_value
  const form: Record<string, unknown> = { visit_date: "2026-03-04 +0800", visit_kind: "routine", m_class_observation: "2", m_walkthrough: "1", findings: "整体良好" };
  return { ...form, ...overrides };
}

describe("report form validation", () => {
  it("accepts a complete form and reads every answer", () => {
    const result = parseReportForm(
      validForm({
        items_problem: ["safety"],
        items_unchecked: ["ethics", "culture"],
        p1_item: "safety",
        p1_desc: "消防通道堆放杂物",
        p1_severity: "general",
        p1_fixed: false,
        p1_deadline: "2026-03-20 +0800",
        p2_item: "hygiene",
        p2_desc: "留样不足",
        p2_severity: "minor",
        p2_fixed: true,
        p3_fixed: false,
      }),
      rules,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.content.visitDate).toBe("2026-03-04");
    expect(result.content.methods).toMatchObject({ class_observation: 2, walkthrough: 1, meetings: 0 });
    expect(result.content.items.safety).toEqual({ state: "problem", note: "" });
    expect(result.content.items.ethics.state).toBe("not_checked");
    expect(result.content.items.administration.state).toBe("normal");
    expect(result.content.problems).toEqual([
      { item: "safety", description: "消防通道堆放杂物", severity: "general", fixedOnSpot: false, deadline: "2026-03-20" },
      { item: "hygiene", description: "留样不足", severity: "minor", fixedOnSpot: true, deadline: null },
    ]);
  });

  it("the visit date window is the assigned week ± 7 days, never after today", () => {
    expect(assignedWindow("2026-W10", "2026-03-20")).toEqual({ from: "2026-02-23", to: "2026-03-15" });
    expect(assignedWindow("2026-W10", "2026-03-05")).toEqual({ from: "2026-02-23", to: "2026-03-05" });
    expect(extraWindow("2026-03-05")).toEqual({ from: "2026-02-19", to: "2026-03-05" });
    expect(parseReportForm(validForm({ visit_date: "2026-02-22 +0800" }), rules)).toMatchObject({ ok: false, errors: [{ code: "date_window" }] });
    expect(parseReportForm(validForm({ visit_date: "2026-03-06 +0800" }), rules)).toMatchObject({ ok: false, errors: [{ code: "date_window" }] });
    expect(parseReportForm(validForm({ visit_date: "2026-02-23 +0800" }), rules).ok).toBe(true);
    expect(parseReportForm(validForm({ visit_date: "2026-02-30" }), rules)).toMatchObject({ ok: false, errors: [{ code: "bad_value", field: "visit_date" }] });
  });

  it("refuses text over 1,000 characters (the card input's max_length)", () => {
    expect(parseReportForm(validForm({ findings: "长".repeat(1001) }), rules)).toMatchObject({ ok: false, errors: [{ code: "too_long", field: "findings", max: 1000 }] });
    expect(parseReportForm(validForm({ p1_desc: "长".repeat(501), p1_item: "safety", p1_severity: "minor", p1_fixed: true }), rules)).toMatchObject({ ok: false, errors: expect.arrayContaining([{ code: "too_long", field: "p1_desc", max: 500 }]) });
    expect(parseReportForm(validForm({ findings: "长".repeat(1000) }), rules).ok).toBe(true);
  });

  it("refuses a missing required answer and a form without any method", () => {
    const form = validForm();
    delete form.visit_kind;
    expect(parseReportForm(form, rules)).toMatchObject({ ok: false, errors: [{ code: "missing", field: "visit_kind" }] });
    // an item cannot be both a problem and not checked; an unknown item is refused
    expect(parseReportForm(validForm({ items_problem: ["safety"], items_unchecked: ["safety"] }), rules)).toMatchObject({ ok: false, errors: [{ code: "both_lists", field: "items_unchecked", value: "safety" }] });
    expect(parseReportForm(validForm({ items_problem: ["discipline"] }), rules)).toMatchObject({ ok: false, errors: [{ code: "bad_value", field: "items_problem" }] });
    expect(parseReportForm(validForm({ items_problem: "safety" }), rules)).toMatchObject({ ok: false, errors: [{ code: "bad_value", field: "items_problem" }] });
    expect(parseReportForm(validForm({ m_class_observation: "", m_walkthrough: "0" }), rules)).toMatchObject({ ok: false, errors: [{ code: "no_method" }] });
    expect(parseReportForm(validForm({ m_walkthrough: "lots" }), rules)).toMatchObject({ ok: false, errors: [{ code: "bad_value", field: "m_walkthrough" }] });
  });

  it("refuses a card with unknown field names (an older version)", () => {
    expect(parseReportForm(validForm({ item_safety: "normal" }), rules)).toMatchObject({ ok: false, errors: [{ code: "outdated" }] });
    // topic checks on a card of a week without a topic; a check the topic does not have
    expect(parseReportForm(validForm({ tc_not_met: ["alarm"] }), rules)).toMatchObject({ ok: false, errors: [{ code: "outdated" }] });
    expect(parseReportForm(validForm({ tc_not_met: ["phones"] }), { ...rules, topic: "校园安全" })).toMatchObject({ ok: false, errors: [{ code: "bad_value", field: "tc_not_met" }] });
  });

  it("asks every check of the week's special topic", () => {
    const topicRules = { ...rules, topic: "校园安全" };
    expect(topicChecks("校园安全")).toEqual(["security_guards", "enclosed_campus", "alarm", "video"]);
    expect(topicChecks("读书月")).toEqual(["overall"]);
    expect(parseReportForm(validForm({ tc_not_met: ["alarm"], tc_unchecked: ["alarm"] }), topicRules)).toMatchObject({ ok: false, errors: [{ code: "both_lists", field: "tc_unchecked", value: "alarm" }] });
    const result = parseReportForm(validForm({ tc_not_met: ["alarm"], tc_unchecked: ["video"] }), topicRules);
    expect(result.ok && result.content.topicChecks).toEqual({ security_guards: "met", enclosed_campus: "met", alarm: "not_met", video: "not_checked" });
  });

  it("a problem slot counts only with a description, and needs item, severity and either fixed-on-spot or a deadline", () => {
    expect(parseReportForm(validForm({ p1_fixed: false, p2_deadline: "2026-03-20 +0800" }), rules)).toMatchObject({ ok: true, content: { problems: [] } });
    expect(parseReportForm(validForm({ p1_severity: "minor" }), rules)).toMatchObject({ ok: false, errors: [{ code: "problem_missing", slot: 1, field: "description" }] });
    expect(parseReportForm(validForm({ p2_desc: "x", p2_item: "safety", p2_severity: "minor" }), rules)).toMatchObject({
      ok: false,
      errors: [{ code: "problem_missing", slot: 2, field: "deadline" }],
    });
    expect(parseReportForm(validForm({ p1_desc: "x", p1_item: "safety", p1_severity: "minor", p1_deadline: "2026-03-01" }), rules)).toMatchObject({
      ok: false,
      errors: [{ code: "deadline_window", slot: 1 }],
    });
  });

  it("an edit keeps the notes an older (version 1) report had for items whose state did not change", () => {
    const parsed = parseReportForm(validForm({ items_problem: ["safety"] }), rules);
    if (!parsed.ok) throw new Error("form should parse");
    const previous = { ...parsed.content, items: { ...parsed.content.items, safety: { state: "problem" as const, note: "消防通道堵塞" }, hygiene: { state: "problem" as const, note: "留样不足" } } };
    const kept = keepNotes(parsed.content, previous);
    expect(kept.items.safety).toEqual({ state: "problem", note: "消防通道堵塞" });
    // hygiene is normal now: its old note no longer applies
    expect(kept.items.hygiene).toEqual({ state: "normal", note: "" });
  });

  it("the same answers give the same canonical content whatever the key order", () => {
    const a = parseReportForm(validForm(), rules);
    const b = parseReportForm(Object.fromEntries(Object.entries(validForm()).reverse()), rules);
    expect(a.ok && b.ok && canonicalContent(a.content) === canonicalContent(b.content)).toBe(true);
  });

  it("a month with several topics (as the planner joins them) asks the checks of every topic", () => {
    const topic = topicOfMonth({ "2026-03": ["校园安全", "五项管理", "心理健康", "思政课"] }, "2026-03");
    expect(topic).toBe("校园安全、五项管理、心理健康、思政课");
    expect(topicOfMonth({ "2026-04": ["双减"] }, "2026-03")).toBeNull();
    expect(topicChecks(topic)).toEqual(["security_guards", "enclosed_campus", "alarm", "video", "phones", "sleep", "reading", "homework", "physical", "overall"]);
    const multi = { ...rules, topic };
    expect(parseReportForm(validForm({ tc_not_met: ["phones", "alarm"] }), multi)).toMatchObject({
      ok: true,
      content: { topic, topicChecks: Object.fromEntries(topicChecks(topic).map((check) => [check, check === "phones" || check === "alarm" ? "not_met" : "met"])) },
    });
    expect(topicLabel(messages("en"), topic!)).toBe("Campus safety, The five managements, Student mental health, Ideological and political classes");
  });
});

describe("report cards", () => {
  const formInput = (lang: "zh" | "en") => ({
    t: messages(lang),
    schoolName: "日照市实验小学",
    week: "2026-W10",
    window: { from: "2026-02-23", to: "2026-03-05" },
    topic: "五项管理",
    defaultDate: "2026-03-05",
    defaultKind: "routine" as const,
    submitValue: { assignment_id: 12 },
  });

  function namesIn(node: unknown, names: string[] = []): string[] {
    if (Array.isArray(node)) node.forEach((n) => namesIn(n, names));
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (typeof record.name === "string" && record.tag !== "form") names.push(record.name);
      for (const [key, value] of Object.entries(record)) if (key !== "behaviors") namesIn(value, names);
    }
    return names;
  }

  it("the form is one form at the body root, every field named uniquely, with the names the server expects, well under 30 KB", () => {
    const form = reportFormCard(formInput("zh"));
    expect(form.schema).toBe("2.0");
    expect(form.body.elements).toHaveLength(1);
    expect(form.body.elements[0]!.tag).toBe("form");
    const names = namesIn(form.body.elements);
    expect(new Set(names).size).toBe(names.length);
    const fields = names.filter((n) => n !== "submit_report");
    expect(fields.sort()).toEqual(formFieldNames("五项管理").sort());
    const bytes = new TextEncoder().encode(JSON.stringify(form)).length;
    expect(bytes).toBeLessThan(20_000);
    const submit = JSON.stringify(form).includes('"form_action_type":"submit"');
    expect(submit).toBe(true);
  });

  it("labels are English for English readers", () => {
    const en = JSON.stringify(reportFormCard(formInput("en")));
    expect(en).toContain("Visit report");
    expect(en).toContain("Campus and traffic safety");
    expect(en).toContain("The five managements");
    expect(en).not.toContain("校务管理");
    expect(new TextEncoder().encode(en).length).toBeLessThan(20_000);
  });

  it("even a fully pre-filled edit form with the longest answers stays under 30 KB", () => {
    const parsed = parseReportForm(
      validForm({
        findings: "长".repeat(1000),
        good_practice: "好".repeat(500),
        items_problem: ROUTINE_ITEMS.slice(0, 4),
        items_unchecked: ROUTINE_ITEMS.slice(4),
        tc_not_met: ["phones", "sleep"],
      }),
      { ...rules, topic: "五项管理" },
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const existing = Array.from({ length: 12 }, () => ({ item: "safety", description: "问".repeat(500), severity: "general" as const, fixedOnSpot: false, deadline: "2026-04-01", orderNumber: "整改项〔2026〕1号" }));
    const form = reportFormCard({ ...formInput("zh"), initial: parsed.content, existingProblems: existing, submitValue: { report_id: 1, version: 3 } });
    expect(new TextEncoder().encode(JSON.stringify(form)).length).toBeLessThan(30_000);
    // a month with all five topics asks 12 checks: the form still fits (and still has every field the server asks)
    const allTopics = "校园安全、五项管理、双减、心理健康、思政课";
    const allChecks = Object.fromEntries(topicChecks(allTopics).map((check) => [check, "met" as const]));
    for (const lang of ["zh", "en"] as const) {
      const busy = reportFormCard({ ...formInput(lang), topic: allTopics, initial: { ...parsed.content, topic: allTopics, topicChecks: allChecks }, existingProblems: existing, submitValue: { report_id: 1, version: 3 } });
      expect(new TextEncoder().encode(JSON.stringify(busy)).length).toBeLessThan(30_000);
      expect(JSON.stringify(busy)).toContain('"name":"tc_not_met"');
      expect(JSON.stringify(busy)).toContain('"value":"tutoring"');
    }
    const summary = reportSummaryCard({
      t: messages("zh"),
      reportId: 1,
      schoolName: "日照市实验小学",
      supervisorName: "王建国",
      enteredBy: null,
      version: 3,
      content: parsed.content,
      problems: existing,
      locked: false,
    });
    expect(new TextEncoder().encode(JSON.stringify(summary)).length).toBeLessThan(30_000);
  });

  it("the summary shows the answers, escapes typed text and offers an edit button until locked", () => {
    const parsed = parseReportForm(validForm({ findings: "[点我](http://evil)" }), rules);
    if (!parsed.ok) throw new Error("form should parse");
    const input = {
      t: messages("zh"),
      reportId: 7,
      schoolName: "日照市实验小学",
      supervisorName: "王建国",
      enteredBy: "刘主任",
      version: 2,
      content: parsed.content,
      problems: [{ item: "safety", description: "消防通道", severity: "serious" as const, fixedOnSpot: false, deadline: "2026-03-20", orderNumber: "整改项〔2026〕1号" }],
      locked: false,
    };
    const text = JSON.stringify(reportSummaryCard(input));
    expect(text).toContain("由 刘主任 代填");
    expect(text).toContain("整改项〔2026〕1号");
    expect(text).not.toContain("[点我](http://evil)");
    expect(text).toContain('"action":"edit_report","report_id":7');
    expect(JSON.stringify(reportSummaryCard({ ...input, locked: true }))).not.toContain("edit_report");
  });
});
