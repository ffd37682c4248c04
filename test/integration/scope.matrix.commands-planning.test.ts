import { describe, expect, it } from "vitest";
import { FORM_VERSION } from "../../src/domain/report-form.ts";
import { addDays, currentWeek, localDate } from "../../src/domain/time.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { reportForm, scopeMatrix } from "../support/scope-matrix.ts";
import { ADMIN_OPEN_ID, messageEvent } from "../support/worker.ts";

/**
 * The scope matrix (test/support/scope-matrix.ts): help, binding, nameplates, the week, reports, leave, moves, plans,
 * the calendar and the topics; then the rules that are no command of their own (a report's rectification items,
 * calendar.csv, the ADMIN_OPEN_IDS bootstrap), and the content check's own test.
 */
describe("the scope matrix, planning commands: each × every kind of person × A, B and the city", () => {
  const { worker, openIds, objects, stored, changed } = scopeMatrix(import.meta.url);

  it("the content check sees one changed value: an order's status or due date, a person's open_id", async () => {
    const before = await stored();
    const [order] = await worker.query<{ status: string; due_date: string }>("SELECT status, due_date FROM orders WHERE number = ?1", objects.A.order);
    const [person] = await worker.query<{ open_id: string }>("SELECT open_id FROM people WHERE code = ?1", objects.A.supervisor);
    // one value each, of the same length as before (nothing else, no row added): the status, a day of the date, a letter of the open_id
    const changes: [string, string, unknown, unknown, string][] = [
      ["UPDATE orders SET status = ?1 WHERE number = ?2", "orders", order!.status === "closed" ? "issued" : "closed", order!.status, objects.A.order],
      ["UPDATE orders SET due_date = ?1 WHERE number = ?2", "orders", order!.due_date.replace(/\d$/, (d) => String((Number(d) + 1) % 10)), order!.due_date, objects.A.order],
      ["UPDATE people SET open_id = ?1 WHERE code = ?2", "people", person!.open_id.replace(/.$/, (c) => (c === "x" ? "y" : "x")), person!.open_id, objects.A.supervisor],
    ];
    for (const [sql, table, value, original, key] of changes) {
      expect(value).not.toEqual(original);
      await worker.query(sql, value, key);
      expect(changed(before, await stored()), sql).toEqual([table]);
      await worker.query(sql, original, key);
      expect(changed(before, await stored()), sql).toEqual([]);
    }
  });

  it("a report's rectification items belong to the school's office and carry its prefix, whoever reported", async () => {
    const [row] = await worker.query<{ id: number }>(
      "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?1, ?2, ?3, 'routine', 'planned', ?4, ?4) RETURNING id",
      currentWeek(Date.now(), "Asia/Shanghai"),
      "M002", // the city's manager visits a 东港 school themselves
      objects.A.school,
      Date.now(),
    );
    const deadline = addDays(localDate(Date.now(), "Asia/Shanghai"), 30);
    const problem = { items_problem: ["safety"], p1_item: "safety", p1_desc: "矩阵：消防通道堆放杂物", p1_severity: "general", p1_fixed: false, p1_deadline: `${deadline} +0800` };
    const { answer } = await worker.click(openIds.topManager, { action: "submit_report", form: FORM_VERSION, assignment_id: row!.id }, { ...reportForm(), ...problem });
    expect(answer.toast?.type).toBe("success");
    const items = await worker.query<{ number: string; office_code: string }>("SELECT number, office_code FROM orders WHERE kind = 'rectification_item' AND text = ?1", problem.p1_desc);
    expect(items).toEqual([{ number: expect.stringMatching(/^东港整改项〔\d{4}〕\d+号$/), office_code: "RZ01" }]);
  });

  it("calendar.csv is the top office's like `校历 导入`: a district manager is refused, nothing stored, nothing sent", async () => {
    const send = async (openId: string, n: number) => {
      const messageId = `om_matrix_calendar_${n}`;
      worker.fake.addFile(messageId, `file_v3_matrix_calendar_${n}`, "calendar.csv", "kind,name,start_date,end_date\nholiday,矩阵文件假期,2099-07-01,2099-07-02\n");
      const sent = worker.fake.messages.length;
      const event = messageEvent({ eventId: worker.nextEventId(), messageId, openId, chatType: "p2p", messageType: "file", content: { file_key: `file_v3_matrix_calendar_${n}`, file_name: "calendar.csv" } });
      expect((await worker.post("/feishu/events", event)).status).toBe(200);
      await worker.settle();
      return worker.fake.messages.slice(sent);
    };
    const before = await stored();
    const refused = await send(openIds.aManager, 1);
    expect(refused.map((m) => FakeFeishu.textOf(m)).join("\n")).toContain("校历由日照市人民政府教育督导室统一设置");
    expect(refused.every((m) => m.chatId === `oc_p2p_${openIds.aManager}`)).toBe(true);
    expect(await stored()).toEqual(before);
    await send(openIds.topManager, 2);
    expect(await worker.count("calendar_periods", "name = '矩阵文件假期'")).toBe(1);
  });

  // last: it deactivates the roster's admins
  it("ADMIN_OPEN_IDS only bootstraps: not while the roster has an active admin, never for someone deactivated", async () => {
    const asBootstrap = async () => (await worker.say(ADMIN_OPEN_ID, "我是谁")).texts.join("\n");
    expect(await asBootstrap()).toContain("还不在督学助手的名册");
    await worker.query("UPDATE people SET active = 0 WHERE role = 'admin'");
    expect(await asBootstrap()).toContain("ADMIN_OPEN_IDS");
    await worker.query(
      "INSERT INTO people (code, name, role, open_id, lang, active, created_at, updated_at) VALUES ('MXD', '已停用', 'manager', ?1, 'zh', 0, 1, 1)",
      ADMIN_OPEN_ID,
    );
    // a stranger is told once a day: forget that they were told this morning, so the refusal is read again
    await worker.query("DELETE FROM rate_counters WHERE key = ?", `stranger:${ADMIN_OPEN_ID}`);
    const before = await stored();
    const refused = await worker.say(ADMIN_OPEN_ID, "校历 添加 节假日 2099-06-01 2099-06-02 停用者");
    expect(refused.texts.join("\n")).toContain("还不在督学助手的名册");
    expect(await stored()).toEqual(before);
  });
});
