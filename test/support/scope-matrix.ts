import { createHash } from "node:crypto";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { generateDemoRoster } from "../../scripts/lib/demo-roster.ts";
import { FORM_VERSION } from "../../src/domain/report-form.ts";
import { addWeeks, currentWeek, localDate } from "../../src/domain/time.ts";
import type { FakeFeishu } from "./fake-feishu.ts";
import { errorsSince } from "./refusal.ts";
import { seedRosterFiles } from "./roster.ts";
import { useWorker } from "./use-worker.ts";
import type { TestWorker } from "./worker.ts";

/**
 * The scope matrix (issue #22): every chat command and card action of the registries × every kind of person ×
 * an object in district A (东港, office RZ01), in district B (岚山, RZ02) and in the city (a city-level zone, the top
 * office RZ). Each case is allowed, or refused with a refusal the person can read, nothing stored (every table but
 * the delivery plumbing, compared by content) and nothing sent to anyone else. The expectations are written out
 * below; an entry of the registries missing from them fails the coverage test (scope.matrix.actions.test.ts).
 *
 * The cases are played in PARTS, one file each (test/integration/scope.matrix.<part>.test.ts), so that they run in
 * parallel: each file starts its own Worker with a small demo city seeded once and plays its part in order.
 *
 * Not played: `排班 发送` (a fan-out to the whole demo city; its top-office rule is in offices.scope.test.ts).
 */
export const ROLES = ["topAdmin", "topManager", "aAdmin", "aManager", "bManager", "aSupervisor", "aContact", "stranger", "noOffice"] as const;
export type Role = (typeof ROLES)[number];
export type Where = "A" | "B" | "city";
export const WHERES: readonly Where[] = ["A", "B", "city"];
const ALL = WHERES;

const DEMO_OPEN_IDS: Record<Role, string> = {
  topAdmin: "ou_demo_M001",
  topManager: "ou_demo_M002",
  aAdmin: "ou_matrix_a_admin",
  aManager: "ou_demo_M003",
  bManager: "ou_demo_M004",
  aSupervisor: "", // the demo supervisor of district A's schools, found at seeding
  aContact: "ou_matrix_a_contact",
  stranger: "ou_matrix_stranger",
  noOffice: "ou_matrix_no_office",
};

/** Who is allowed where; a role not named is refused everywhere. */
type Allowed = Partial<Record<Role, readonly Where[]>>;
const managersScoped: Allowed = { topAdmin: ALL, topManager: ALL, aAdmin: ["A"], aManager: ["A"], bManager: ["B"] };
const managersAnywhere: Allowed = { topAdmin: ALL, topManager: ALL, aAdmin: ALL, aManager: ALL, bManager: ALL };
const topOffice: Allowed = { topAdmin: ALL, topManager: ALL };
const admins: Allowed = { topAdmin: ALL, aAdmin: ALL };
const registered: Allowed = { ...managersAnywhere, aSupervisor: ALL, aContact: ALL };
const recipientsInA: Allowed = { aSupervisor: ["A"], aContact: ["A"] };

export interface Objects {
  school: string;
  /** a second school of the same supervisor, for commands that change it */
  school2: string;
  supervisor: string;
  zone: string;
  order: string;
  /** a planned visit of `school` this week */
  assignment: number;
  /** a stored visit report of `school2` */
  report: number;
  /** the reference of a public feedback about `school` (the nameplate page) */
  feedback: string;
}
type Play = { say: string } | { click: Record<string, unknown>; form?: Record<string, unknown> };

export interface Case {
  /** registry entry: `command <name>` or `action <name>` */
  entry: string;
  /** a variant of the entry (e.g. reading vs changing the calendar) */
  label?: string;
  /** no object: played once per person */
  objectless?: boolean;
  allowed: Allowed;
  play(o: Objects, week: { last: string }): Play;
}

export const reportForm = () => ({ visit_date: `${localDate(Date.now(), "Asia/Shanghai")} +0800`, visit_kind: "routine", m_document_review: "1", findings: "矩阵测试" });

/** In the order they are played (each part in its own file, in this order): card actions first, then commands; cancelling an order last. */
export const CASES: Case[] = [
  { entry: "action outbox_retry", objectless: true, allowed: managersAnywhere, play: () => ({ click: { action: "outbox_retry", maxId: 1 } }) },
  { entry: "action open_report", allowed: { ...managersScoped, aSupervisor: ["A"] }, play: (o) => ({ click: { action: "open_report", assignment_id: o.assignment } }) },
  {
    entry: "action submit_report",
    allowed: { ...managersScoped, aSupervisor: ["A"] },
    play: (o) => ({ click: { action: "submit_report", form: FORM_VERSION, assignment_id: o.assignment }, form: reportForm() }),
  },
  { entry: "action edit_report", allowed: { ...managersScoped, aSupervisor: ["A"] }, play: (o) => ({ click: { action: "edit_report", report_id: o.report } }) },
  { entry: "action photo_attach", allowed: { ...managersScoped, aSupervisor: ["A"] }, play: (o) => ({ click: { action: "photo_attach", kind: "report", id: o.report } }) },
  { entry: "action digest_zone", allowed: managersScoped, play: (o, w) => ({ click: { action: "digest_zone", week: w.last, zone: o.zone } }) },
  { entry: "action order_ack", allowed: recipientsInA, play: (o) => ({ click: { action: "order_ack", number: o.order } }) },
  { entry: "action order_report", allowed: recipientsInA, play: (o) => ({ click: { action: "order_report", number: o.order }, form: {} }) },
  { entry: "action order_extension_request", allowed: recipientsInA, play: (o) => ({ click: { action: "order_extension_request", number: o.order }, form: {} }) },
  { entry: "action order_extension_decide", allowed: managersScoped, play: (o) => ({ click: { action: "order_extension_decide", number: o.order, request: 1, decision: "deny" } }) },
  { entry: "action orders_page", objectless: true, allowed: registered, play: () => ({ click: { action: "orders_page", filter: "all", scope: { kind: "all" }, page: 1 } }) },
  {
    entry: "action order_issue_submit",
    allowed: managersScoped,
    play: (o) => ({ click: { action: "order_issue_submit" }, form: { kind: "notice", schools: o.school2, due: "30天", text: "矩阵测试通知" } }),
  },
  // the presser's own office becomes the group's (any group): every manager with a valid office may
  { entry: "action digest_group_bind", objectless: true, allowed: managersAnywhere, play: () => ({ click: { action: "digest_group_bind", chat: "oc_matrix_group", name: "矩阵测试群" } }) },
  // a public feedback (the nameplate page) is its school's supervisor's and the managers' in scope, never the school contact's
  { entry: "action feedback_accept", allowed: { ...managersScoped, aSupervisor: ["A"] }, play: (o) => ({ click: { action: "feedback_accept", ref: o.feedback } }) },
  { entry: "action feedback_reply", allowed: { ...managersScoped, aSupervisor: ["A"] }, play: (o) => ({ click: { action: "feedback_reply", ref: o.feedback }, form: { reply: "矩阵回复" } }) },
  { entry: "action feedback_forward", allowed: { ...managersScoped, aSupervisor: ["A"] }, play: (o) => ({ click: { action: "feedback_forward", ref: o.feedback } }) },
  { entry: "action feedback_visit", allowed: { ...managersScoped, aSupervisor: ["A"] }, play: (o) => ({ click: { action: "feedback_visit", ref: o.feedback } }) },
  { entry: "action document_download", allowed: { ...managersScoped, ...recipientsInA }, play: (o) => ({ click: { action: "document_download", number: o.order } }) },
  { entry: "action roster_deactivate", objectless: true, allowed: admins, play: () => ({ click: { action: "roster_deactivate", at: 1, hash: "0123456789abcdef", decision: "discard" } }) },

  { entry: "command help", objectless: true, allowed: { ...registered, noOffice: ALL }, play: () => ({ say: "帮助" }) },
  // in a direct chat a manager is told to send it in the group; anyone else is refused
  { entry: "command bind", objectless: true, allowed: managersAnywhere, play: () => ({ say: "绑定周报群" }) },
  { entry: "command nameplate", allowed: managersScoped, play: (o) => ({ say: `名牌 ${o.school}` }) },
  { entry: "command whoami", objectless: true, allowed: { ...registered, noOffice: ALL }, play: () => ({ say: "我是谁" }) },
  // a supervisor's `本周` is their own week whatever follows it
  { entry: "command week", allowed: { ...managersScoped, aSupervisor: ALL }, play: (o) => ({ say: `本周 ${o.supervisor}` }) },
  { entry: "command report", allowed: { ...managersScoped, aSupervisor: ["A"] }, play: (o) => ({ say: `补报 ${o.school}` }) },
  // a supervisor's leave is their own (a code where a date belongs is answered with the usage)
  { entry: "command leave", allowed: { ...managersScoped, aSupervisor: ALL }, play: (o) => ({ say: `请假 ${o.supervisor} 2099-03-02 2099-03-06 培训` }) },
  { entry: "command move", allowed: { ...managersScoped, aSupervisor: ["A"] }, play: (o) => ({ say: `调整 ${o.school2} 2099-W10 矩阵测试` }) },
  { entry: "command plan", allowed: managersScoped, play: (o) => ({ say: `排班 ${o.zone}` }) },
  { entry: "command calendar", label: "read", objectless: true, allowed: managersAnywhere, play: () => ({ say: "校历" }) },
  { entry: "command calendar", label: "change", objectless: true, allowed: topOffice, play: () => ({ say: "校历 添加 节假日 2099-05-01 2099-05-03 矩阵假期" }) },
  { entry: "command topics", label: "read", objectless: true, allowed: managersAnywhere, play: () => ({ say: "专项" }) },
  { entry: "command topics", label: "change", objectless: true, allowed: topOffice, play: () => ({ say: "专项 2099-05 校园安全" }) },
  { entry: "command order", allowed: managersScoped, play: (o) => ({ say: `督办 ${o.school2} 30天 矩阵测试督办` }) },
  { entry: "command notice", allowed: managersScoped, play: (o) => ({ say: `督导通知 ${o.school2} 30天 矩阵测试通知` }) },
  { entry: "command bulletin", allowed: managersScoped, play: (o) => ({ say: `通报 ${o.school2} 30天 矩阵测试通报` }) },
  { entry: "command rectify", allowed: managersScoped, play: (o) => ({ say: `整改 ${o.school2} 30天 矩阵测试整改` }) },
  { entry: "command show", allowed: { ...managersScoped, ...recipientsInA }, play: (o) => ({ say: `查看 ${o.order}` }) },
  { entry: "command document", allowed: { ...managersScoped, ...recipientsInA }, play: (o) => ({ say: `公文 ${o.order}` }) },
  { entry: "command orders", objectless: true, allowed: registered, play: () => ({ say: "督办单 全部" }) },
  { entry: "command school", allowed: { ...managersScoped, ...recipientsInA }, play: (o) => ({ say: `学校 ${o.school}` }) },
  { entry: "command digest", allowed: managersScoped, play: (o, w) => ({ say: `周报 ${w.last} ${o.zone}` }) },
  { entry: "command stats", allowed: managersScoped, play: (o) => ({ say: `统计 2026-09-01 2026-10-01 ${o.zone}` }) },
  { entry: "command export", objectless: true, allowed: managersAnywhere, play: () => ({ say: "导出 督办单 csv" }) },
  { entry: "command roster", objectless: true, allowed: managersAnywhere, play: () => ({ say: "名册模板" }) },
  { entry: "command outbox", objectless: true, allowed: managersAnywhere, play: () => ({ say: "发送状态" }) },
  { entry: "command roster-log", objectless: true, allowed: admins, play: () => ({ say: "名册记录" }) },
  { entry: "command extend", allowed: managersScoped, play: (o) => ({ say: `延期 ${o.order} 60天` }) },
  { entry: "command close", allowed: managersScoped, play: (o) => ({ say: `销号 ${o.order} 矩阵核查` }) },
  { entry: "command reopen", allowed: managersScoped, play: (o) => ({ say: `退回 ${o.order} 矩阵退回` }) },
  { entry: "command cancel", allowed: managersScoped, play: (o) => ({ say: `撤销 ${o.order} 矩阵撤销` }) },
];

/** CASES from the entry `from` to the entry `to` (both included, every label of each), in their order. */
function casesFrom(from: string, to: string): Case[] {
  const first = CASES.findIndex((c) => c.entry === from);
  const last = CASES.findLastIndex((c) => c.entry === to);
  if (first < 0 || last < first) throw new Error(`scope matrix: no cases from ${from} to ${to}`);
  return CASES.slice(first, last + 1);
}

/**
 * The parts, each played by test/integration/scope.matrix.<part>.test.ts in its own Worker (the coverage test checks
 * that they split CASES exactly and that each has its file). Sized to take about as long as each other.
 */
export const PARTS: Record<string, Case[]> = {
  actions: casesFrom("action outbox_retry", "action roster_deactivate"),
  "commands-planning": casesFrom("command help", "command topics"),
  "commands-orders": casesFrom("command order", "command document"),
  "commands-follow-up": casesFrom("command orders", "command cancel"),
};

export const caseName = (c: Case) => `${c.entry}${c.label ? ` (${c.label})` : ""}`;

/**
 * The demo city (all its offices, managers and admin) with only three of its zones: the first city-level zone and the
 * first zone of 东港 (A) and of 岚山 (B), their supervisors, schools and contacts. Small enough to compare every table
 * around each refusal.
 */
function smallDemoCity(): Record<"offices" | "zones" | "schools" | "people", string> {
  const demo = generateDemoRoster();
  const table = (text: string) => {
    const [header, ...lines] = text.trimEnd().split("\n");
    const columns = header!.replace(/^\uFEFF/, "").split(",");
    return { header: header!, rows: lines.map((line) => ({ line, cell: (name: string) => line.split(",")[columns.indexOf(name)] ?? "" })) };
  };
  const zones = table(demo.zones);
  const kept = new Set<string>();
  for (const test of [(district: string, level: string) => level === "city", (district: string) => district === "日照东港区", (district: string) => district === "日照岚山区"]) {
    kept.add(zones.rows.find((row) => test(row.cell("district"), row.cell("level")))!.cell("code"));
  }
  const schools = table(demo.schools);
  const keptSchools = new Set(schools.rows.filter((row) => kept.has(row.cell("zone_code"))).map((row) => row.cell("code")));
  const people = table(demo.people);
  const keep = (t: ReturnType<typeof table>, test: (row: ReturnType<typeof table>["rows"][number]) => boolean) => [t.header, ...t.rows.filter(test).map((row) => row.line)].join("\n") + "\n";
  return {
    offices: demo.offices,
    zones: keep(zones, (row) => kept.has(row.cell("code"))),
    schools: keep(schools, (row) => keptSchools.has(row.cell("code"))),
    people: keep(people, (row) => {
      const role = row.cell("role");
      if (role === "supervisor") return kept.has(row.cell("zone_code"));
      if (role === "school_contact") return keptSchools.has(row.cell("school_code"));
      return true;
    }),
  };
}

/** What a refused person reads: a role, office, scope or ownership refusal (some hide an object outside the scope as unknown). */
const REFUSAL =
  /只有管理员可以|只有系统管理员可以|只有督导室的管理员和系统管理员可以|不属于您所在督导室的管辖范围|没有有效的所属督导室|统一设置，只有其管理员可以修改|排班发送面向全市|还不在督学助手的名册|这张卡片不是发给您的|不是安排给您的|这份报告不是您的|不是您挂牌督导的学校|不是您的挂牌学校|您不能为这份报告|您不能查看|没有找到编号为|没有编号为/;

/** Every table's content, hashed, by table name. */
export type Stored = Record<string, string>;

export interface ScopeMatrix {
  worker: TestWorker;
  openIds: Record<Role, string>;
  objects: Record<Where, Objects>;
  /** every table but the delivery plumbing, each as a hash of all its rows' every value (one SQL statement) */
  stored(): Promise<Stored>;
  /** the tables whose content differs between two `stored()` */
  changed(before: Stored, after: Stored): string[];
}

/** The part a file plays, from its name: test/integration/scope.matrix.<part>.test.ts. */
export function partOf(file: string): string {
  const part = /^scope\.matrix\.(.+)\.test\.ts$/.exec(basename(file))?.[1];
  if (!part || !PARTS[part]) throw new Error(`scope matrix: ${basename(file)} names no part (${Object.keys(PARTS).join(", ")})`);
  return part;
}

/**
 * In a describe block of test/integration/scope.matrix.<part>.test.ts (`scopeMatrix(import.meta.url)`): starts the
 * Worker with the small demo city and its objects, and adds one test per case of the file's part, which plays it
 * for every person in A, B and the city. Tests the file adds after the call run after the cases, on the same Worker.
 */
export function scopeMatrix(fileUrl: string): ScopeMatrix {
  const cases = PARTS[partOf(fileURLToPath(fileUrl))]!;
  const openIds = { ...DEMO_OPEN_IDS };
  const objects = {} as Record<Where, Objects>;
  const week = { last: "" };
  const mismatches: string[] = [];

  let tables: string[] = [];
  /**
   * One statement that has SQLite write every table's rows (every column, in rowid order) as JSON, one column per
   * table: a changed value anywhere (a status, a date, an open_id) changes its table's text, and the text never
   * crosses the harness as rows and objects (a batch of `SELECT *` per table cost three times as much).
   */
  let storedSql = "";
  async function stored(): Promise<Stored> {
    const [row] = await worker.query<Record<string, string>>(storedSql);
    return Object.fromEntries(tables.map((name) => [name, createHash("sha256").update(row![name]!).digest("hex")]));
  }
  const changed = (before: Stored, after: Stored) => Object.keys(after).filter((table) => after[table] !== before[table]);
  /** The last content, while nothing can have changed since (only a refused case keeps it). */
  let lastStored: Stored | null = null;

  let clicks = 0;
  async function play(role: Role, step: Play): Promise<{ text: string; sent: FakeFeishu["messages"]; card?: unknown; errors: Record<string, unknown>[] }> {
    const openId = openIds[role];
    const before = worker.fake.messages.length;
    const mark = worker.logs.length;
    if ("say" in step) {
      const { texts } = await worker.say(openId, step.say);
      return { text: texts.join("\n"), sent: worker.fake.messages.slice(before), errors: errorsSince(worker, mark) };
    }
    const { answer } = await worker.click(openId, step.click, step.form, `om_matrix_card_${++clicks}`);
    const toast = answer.toast ? `${answer.toast.type}: ${answer.toast.content}` : "";
    return { text: toast, sent: worker.fake.messages.slice(before), card: answer.card, errors: errorsSince(worker, mark) };
  }

  async function check(c: Case, role: Role, where: Where | null): Promise<void> {
    const name = `${caseName(c)} × ${role}${where ? ` × ${where}` : ""}`;
    const allowed = (c.allowed[role] ?? []).includes(where ?? "A");
    const before = allowed ? null : (lastStored ?? (await stored()));
    lastStored = null;
    const { text, sent, card, errors } = await play(role, c.play(objects[where ?? "A"], week));
    // someone not on the roster is told once a day (with their open_id); after that, silence is their refusal
    const refused = REFUSAL.test(text) || (role === "stranger" && "say" in c.play(objects[where ?? "A"], week) && text === "" && sent.length === 0);
    if (allowed && refused) return void mismatches.push(`${name}: expected allowed, was refused: ${text.slice(0, 120)}`);
    if (allowed) return;
    if (!refused) return void mismatches.push(`${name}: expected a refusal, got: ${text.slice(0, 120) || "(nothing)"}`);
    if (c.entry.startsWith("action") && !text.startsWith("error")) mismatches.push(`${name}: a refusal should be an error toast: ${text.slice(0, 80)}`);
    // as expectRefusalAnswer (test/support/refusal.ts): a refused click replaces no card, and a refusal logs no error
    if (card !== undefined) mismatches.push(`${name}: refused, yet the clicked card was replaced`);
    if (errors.length) mismatches.push(`${name}: refused, yet logged an error: ${JSON.stringify(errors[0]).slice(0, 120)}`);
    const openId = openIds[role];
    const others = sent.filter((m) => m.receiveId !== openId && m.chatId !== `oc_p2p_${openId}`);
    if (others.length) mismatches.push(`${name}: refused, yet ${others.length} message(s) went to others`);
    const after = await stored();
    const tablesChanged = changed(before!, after);
    if (tablesChanged.length) mismatches.push(`${name}: refused, yet changed ${tablesChanged.join(", ")}`);
    else lastStored = after;
  }

  const worker = useWorker({
    setup: async () => {
      await seedRosterFiles(worker, smallDemoCity());
      const now = Date.now();
      const thisWeek = currentWeek(now, "Asia/Shanghai");
      week.last = addWeeks(thisWeek, -1);
      const where: Record<Where, string> = { A: "z.district = '日照东港区'", B: "z.district = '日照岚山区'", city: "z.level = 'city'" };
      for (const w of WHERES) {
        // a supervisor whose own zone is here, with two schools here
        const [row] = await worker.query<{ supervisor: string; zone: string; school: string; school2: string }>(
          `SELECT p.code AS supervisor, p.zone_code AS zone, MIN(s.code) AS school, MAX(s.code) AS school2
           FROM people p JOIN zones z ON z.code = p.zone_code JOIN schools s ON s.supervisor_code = p.code AND s.zone_code = p.zone_code
           WHERE p.role = 'supervisor' AND p.active = 1 AND ${where[w]} GROUP BY p.code HAVING COUNT(*) >= 2 ORDER BY p.code LIMIT 1`,
        );
        const insert = "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?1, ?2, ?3, 'routine', 'planned', ?4, ?4) RETURNING id";
        const [open] = await worker.query<{ id: number }>(insert, thisWeek, row!.supervisor, row!.school, now);
        const [reported] = await worker.query<{ id: number }>(insert, thisWeek, row!.supervisor, row!.school2, now);
        objects[w] = { ...row!, order: "", assignment: open!.id, report: 0, feedback: `MX-${w}` };
        await worker.query(
          "INSERT INTO feedback (reference, school_code, kind, text, received_at) VALUES (?1, ?2, 'complaint', '矩阵测试反馈', ?3)",
          objects[w].feedback,
          row!.school,
          now,
        );
        const submitted = await worker.click(openIds.topAdmin, { action: "submit_report", form: FORM_VERSION, assignment_id: reported!.id }, reportForm());
        expect(submitted.answer.toast?.type).toBe("success");
        objects[w].report = (await worker.query<{ id: number }>("SELECT id FROM reports WHERE assignment_id = ?1", reported!.id))[0]!.id;
        await worker.say(openIds.topAdmin, `督办 ${row!.school} 30天 矩阵测试`);
        objects[w].order = (await worker.query<{ number: string }>("SELECT number FROM orders WHERE school_code = ?1 AND kind = 'order'", row!.school))[0]!.number;
      }
      openIds.aSupervisor = `ou_demo_${objects.A.supervisor}`;
      // a district A admin, a contact of district A's school and a manager without a valid office
      const person =
        "INSERT INTO people (code, name, role, zone_code, school_code, open_id, lang, office_code, active, created_at, updated_at) VALUES (?1, ?2, ?3, NULL, ?4, ?5, 'zh', ?6, 1, ?7, ?7)";
      await worker.query(person, "MXA", "东港管理员", "admin", null, openIds.aAdmin, "RZ01", now);
      await worker.query(person, "CXA", "东港联系人", "school_contact", objects.A.school, openIds.aContact, null, now);
      await worker.query(person, "MXN", "无室管理员", "manager", null, openIds.noOffice, "", now);
      await worker.settle();
      tables = (
        await worker.query<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT IN ('outbox', 'processed_events', 'cache_entries', 'rate_counters', 'd1_migrations') ORDER BY name",
        )
      ).map((row) => row.name);
      expect(tables).toEqual(expect.arrayContaining(["people", "reports", "orders", "order_events", "calendar_periods", "settings", "leaves", "photos"]));
      const d1 = worker.d1();
      const columns = await d1.batch<{ name: string }>(tables.map((name) => d1.prepare(`SELECT name FROM pragma_table_info('${name}') ORDER BY cid`)));
      storedSql = `SELECT ${tables
        .map((name, i) => `(SELECT json_group_array(json_array(${columns[i]!.results.map((c) => `"${c.name}"`).join(", ")}) ORDER BY rowid) FROM "${name}") AS "${name}"`)
        .join(", ")}`;
    },
  });

  for (const c of cases) {
    it(caseName(c), async () => {
      const before = mismatches.length;
      // place by place, every person in turn: one person's answers come at most every RECIPIENT_SPACING_MS
      // (src/delivery/rate-limit-plan.ts), so the same person three times in a row would wait for the limiter
      for (const where of c.objectless ? [null] : WHERES) {
        for (const role of ROLES) await check(c, role, where);
      }
      expect(mismatches.slice(before)).toEqual([]);
    }, 240_000);
  }

  return { worker, openIds, objects, stored, changed };
}
