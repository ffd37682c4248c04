import { describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/time.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { scenarioDates } from "../support/clock.ts";
import { useWorker } from "../support/use-worker.ts";
import { ADMIN_OPEN_ID, chatIdFor, messageEvent } from "../support/worker.ts";

/**
 * Edges the README promises that no other file plays through the Worker: a command read up to 4,000 characters,
 * the 20,000-row roster file, a private command (`调整`) asked in a group, a request dated in the future.
 */
const { shift } = scenarioDates(2026);
const MANAGER = "ou_mgr_1";
const SUPERVISOR = "ou_sup_1"; // S001, SCH001 日照市实验小学
/** README Security: "a command is read up to 4,000 characters" (the promise, not the Worker's constant) */
const MAX_COMMAND_CHARS = 4_000;
/** README Security: roster files of "20,000 rows" at most */
const MAX_ROWS = 20_000;

describe("input edges", () => {
  let files = 0;

  async function sendFile(openId: string, fileName: string, content: string) {
    const messageId = `om_edge_file_${++files}`;
    const fileKey = `file_v3_edge_${files}`;
    worker.fake.addFile(messageId, fileKey, fileName, content);
    const before = worker.fake.messages.length;
    const response = await worker.post("/feishu/events", messageEvent({ eventId: worker.nextEventId(), messageId, openId, chatType: "p2p", messageType: "file", content: { file_key: fileKey, file_name: fileName } }));
    expect(response.status).toBe(200);
    await worker.settle(60_000);
    return worker.fake.messages.slice(before).map((m) => FakeFeishu.textOf(m)).join("\n");
  }

  const worker = useWorker({ roster: true });

  it("a command is read up to 4,000 characters: rows of a calendar import past that point are not read", async () => {
    // `校历 导入` with one-day holidays, 34 characters each, "; " between them; the 4,000th character ends a row
    const row = (i: number) => `holiday,H${String(i).padStart(3, "0")},${addDays(shift("2027-03-01"), i)},${addDays(shift("2027-03-01"), i)}`;
    const rows = Array.from({ length: 130 }, (_, i) => row(i));
    const text = `校历 导入 ${rows.join("; ")}`;
    const kept = text.slice(0, MAX_COMMAND_CHARS);
    const whole = rows.filter((_, i) => kept.includes(`${row(i)};`) || kept.endsWith(row(i)));
    expect(kept.endsWith(row(whole.length - 1))).toBe(true);
    expect(whole.length).toBe(111);
    expect(text.length).toBeGreaterThan(MAX_COMMAND_CHARS + 500);

    const { texts } = await worker.say(MANAGER, text);
    expect(texts).toEqual([`已导入 ${whole.length} 条校历。`]);
    const names = (await worker.query<{ name: string }>("SELECT name FROM calendar_periods ORDER BY start_date")).map((p) => p.name);
    expect(names).toEqual(whole.map((r) => r.split(",")[1]));
    await worker.query("DELETE FROM calendar_periods"); // the holidays would take the weeks the tests below move visits to
  });

  it("a roster file of 20,000 rows is read to its last row; one of 20,001 rows is refused whole and changes nothing", async () => {
    const header = "code,name,zone_code,supervisor_code,stage,ownership,address,visits_per_month";
    const school = (i: number, zone = "Z01") => `E${String(i).padStart(5, "0")},边界测试学校${i},${zone},S001,primary,public,测试路${i}号,1`;
    const before = await worker.query("SELECT code, name, zone_code, supervisor_code, active FROM schools ORDER BY code");

    // exactly 20,000 rows, the last one naming a zone that does not exist: the answer names that row, so every row was read
    const full = [header, ...Array.from({ length: MAX_ROWS - 1 }, (_, i) => school(i + 1)), school(MAX_ROWS, "Z99")].join("\n");
    const answer = await sendFile(ADMIN_OPEN_ID, "schools.csv", full);
    expect(answer).toContain("❌ schools.csv 有 1 处错误");
    expect(answer).toContain(`schools.csv 第 ${MAX_ROWS + 1} 行`);
    expect(answer).not.toContain("行数超过");
    expect(answer).toContain("Z99");

    // one more row: refused for its length, before any row is checked
    const over = [header, ...Array.from({ length: MAX_ROWS + 1 }, (_, i) => school(i + 1))].join("\n");
    const refused = await sendFile(ADMIN_OPEN_ID, "schools.csv", over);
    expect(refused).toContain("❌ schools.csv 有 1 处错误");
    expect(refused).toContain(`schools.csv 第 ${MAX_ROWS + 2} 行：行数超过 ${MAX_ROWS}`);
    expect(await worker.query("SELECT code, name, zone_code, supervisor_code, active FROM schools ORDER BY code")).toEqual(before);
  }, 120_000);

  it("`调整` asked in a group answers the asker by direct message and the group gets one line; the visit is moved", async () => {
    const [from, to] = [shift("2027-W10"), shift("2027-W11")];
    await worker.query(
      "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES (?, 'S001', 'SCH001', 'routine', 'planned', 0, 0)",
      from,
    );
    const before = worker.fake.messages.length;
    const { messageId } = await worker.say(SUPERVISOR, `调整 日照市实验小学 ${to} 参加培训`, { chatType: "group" });
    const sent = worker.fake.messages.slice(before);
    // the group: one reply to the command, saying it was sent privately, and nothing about the schedule
    const inGroup = sent.filter((m) => m.chatId === chatIdFor(SUPERVISOR, "group"));
    expect(inGroup).toHaveLength(1);
    expect(inGroup[0]).toMatchObject({ operation: "reply", replyTo: messageId });
    expect(FakeFeishu.textOf(inGroup[0]!)).toBe("已私信发送给您。");
    // the asker: the answer, by open_id
    const direct = sent.filter((m) => m.receiveId === SUPERVISOR);
    expect(direct).toHaveLength(1);
    expect(direct[0]!.receiveIdType).toBe("open_id");
    expect(FakeFeishu.textOf(direct[0]!)).toContain(`已将 日照市实验小学 的督导从 ${from} 调整到 ${to}。`);
    expect(sent).toHaveLength(2);
    expect(await worker.query("SELECT week, status, moved_to_week FROM assignments WHERE school_code = 'SCH001' ORDER BY id")).toEqual([
      { week: from, status: "moved", moved_to_week: to },
      { week: to, status: "planned", moved_to_week: null },
    ]);
  });

  it("a request dated more than 5 minutes in the future gets the one 401 and changes nothing; one within 5 minutes is answered", async () => {
    const help = (eventId: string) =>
      messageEvent({ eventId, messageId: `om_future_${eventId}`, openId: MANAGER, chatType: "p2p", messageType: "text", content: { text: "帮助" } });
    const tables = async () => ({
      inbox: await worker.query("SELECT * FROM inbox"),
      processed: await worker.query("SELECT * FROM processed_events"),
      outbox: await worker.query("SELECT uuid, state FROM outbox"),
    });
    await worker.settle();
    const before = await tables();
    const messages = worker.fake.messages.length;
    const now = Math.floor(Date.now() / 1000);
    for (const [path, payload] of [
      ["/feishu/events", help(worker.nextEventId())],
      ["/feishu/cards", { schema: "2.0", header: { event_id: worker.nextEventId(), event_type: "card.action.trigger", token: "test-verification-token", app_id: "cli_test_app" }, event: { operator: { open_id: MANAGER }, action: { value: { action: "open_report", assignment_id: 1 } } } }],
    ] as const) {
      const response = await worker.post(path, payload, { timestamp: now + 6 * 60 });
      expect(response.status, path).toBe(401);
      expect(await response.json()).toEqual({ error: "unauthorized" });
    }
    await worker.settle();
    expect(worker.fake.messages.length).toBe(messages);
    expect(await tables()).toEqual(before);
    // the reason is in the log only (the log lines arrive from workerd's stdout: awaited, not slept for)
    const refusedLines = () => worker.logs.filter((line) => line.reason === "timestamp outside 5 minutes").length;
    for (const deadline = Date.now() + 10_000; refusedLines() < 2 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(refusedLines()).toBe(2);

    // four minutes ahead (a clock a little fast) is within Feishu's window and answered
    const eventId = worker.nextEventId();
    const response = await worker.post("/feishu/events", help(eventId), { timestamp: now + 4 * 60 });
    expect(response.status).toBe(200);
    await worker.settle();
    expect(worker.fake.messages.slice(messages).filter((m) => m.chatId === chatIdFor(MANAGER, "p2p"))).toHaveLength(1);
  });
});
