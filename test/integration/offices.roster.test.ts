import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { FIXTURE_ROSTER } from "../support/roster.ts";
import { ADMIN_OPEN_ID, messageEvent } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";
import { expectRefusedClick } from "../support/refusal.ts";

/** Roster changes are an admin's, reviewed and recorded (issue 13): who may import, deactivation on confirmation, the log. */
describe("roster imports: admins only, removals confirmed, every import recorded", () => {
  let counter = 0;
  const ADMIN = "ou_admin_1";
  const fixture = (name: string) => readFileSync(join(FIXTURE_ROSTER, name), "utf8");
  const people = fixture("people.csv").trimEnd() + "\nA001,孙主任,系统管理员,,,13900000009,,ou_admin_1,zh\n";
  const withoutS002 = people.split("\n").filter((line) => !line.startsWith("S002,")).join("\n");

  async function sendFile(openId: string, fileName: string, content: string) {
    const messageId = `om_roster_${++counter}`;
    const fileKey = `file_v3_roster_${counter}`;
    worker.fake.addFile(messageId, fileKey, fileName, content);
    const before = worker.fake.messages.length;
    const response = await worker.post(
      "/feishu/events",
      messageEvent({ eventId: worker.nextEventId(), messageId, openId, chatType: "p2p", messageType: "file", content: { file_key: fileKey, file_name: fileName } }),
    );
    expect(response.status).toBe(200);
    await worker.settle();
    return worker.fake.messages.slice(before);
  }
  const texts = (messages: { content: unknown }[]) => messages.map((m) => FakeFeishu.textOf(m as never)).join("\n");
  function buttonValues(message: { content: unknown }): Record<string, unknown>[] {
    const values: Record<string, unknown>[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        const record = node as Record<string, unknown>;
        if (record.tag === "button") values.push(((record.behaviors as { value: Record<string, unknown> }[])[0]!).value);
        Object.values(record).forEach(walk);
      }
    };
    walk(message.content);
    return values;
  }

  const worker = useWorker({
    setup: async () => {
      await sendFile(ADMIN_OPEN_ID, "zones.csv", fixture("zones.csv"));
      await sendFile(ADMIN_OPEN_ID, "people.csv", people);
      // the roster now has an active admin (A001): ADMIN_OPEN_IDS only bootstraps, so the rest is A001's
      await sendFile(ADMIN, "schools.csv", fixture("schools.csv"));
      await worker.query(
        "INSERT INTO assignments (week, supervisor_code, school_code, reason, status, created_at, updated_at) VALUES ('2099-W02', 'S002', 'SCH004', 'routine', 'planned', 1, 1)",
      );
    },
  });

  it("refuses a manager's roster file and names who can import", async () => {
    const before = await worker.snapshot();
    const answer = texts(await sendFile("ou_mgr_1", "people.csv", withoutS002));
    expect(answer).toContain("只有系统管理员可以导入名册。请联系：孙主任（A001）。");
    const after = await worker.snapshot();
    expect({ ...after, outbox: 0, processed_events: 0 }).toEqual({ ...before, outbox: 0, processed_events: 0 });
  });

  it("deactivates a person left out of people.csv only after the admin confirms on a card that names them", async () => {
    const sent = await sendFile(ADMIN, "people.csv", withoutS002);
    const answer = texts(sent);
    expect(answer).toContain("新增 0 行，更新 0 行，未变 6 行");
    expect(answer).toContain("确认停用 1 人");
    expect(answer).toContain("李秀英（S002，责任督学）：未结文书 0 件，计划督导 1 次");
    expect(await worker.query("SELECT active FROM people WHERE code = 'S002'")).toEqual([{ active: 1 }]);
    expect((await worker.say("ou_sup_2", "我是谁")).texts.join("\n")).toContain("李秀英");

    const card = sent.find((m) => m.msgType === "interactive")!;
    const [confirm, keep] = buttonValues(card);
    expect(confirm).toMatchObject({ action: "roster_deactivate", decision: "confirm" });
    await expectRefusedClick(worker, "ou_mgr_1", confirm!, "这张卡片不是发给您的", { unchanged: true });
    expect(await worker.query("SELECT active FROM people WHERE code = 'S002'")).toEqual([{ active: 1 }]);

    const { answer: clicked } = await worker.click(ADMIN, confirm!);
    expect(clicked.toast).toEqual({ type: "success", content: "已停用 1 人。" });
    expect(await worker.query("SELECT active FROM people WHERE code = 'S002'")).toEqual([{ active: 0 }]);
    expect((await worker.click(ADMIN, keep!)).answer.toast?.content).toBe("这次导入已经处理过了。");

    // a deactivated person can do nothing, and keeps their history
    const whoami = await worker.say("ou_sup_2", "我是谁");
    expect(whoami.texts.join("\n")).toContain("您还不在督学助手的名册中");
    expect(await worker.count("assignments", "supervisor_code = 'S002'")).toBe(1);
  });

  it("shows every import in `名册记录`, to admins only", async () => {
    const { texts: log } = await worker.say(ADMIN, "名册记录");
    const text = log.join("\n");
    expect(text).toContain("名册导入记录");
    expect(text).toContain("孙主任（A001） · people.csv");
    expect(text).toContain("停用 1 · 已确认停用");
    expect(text).toMatch(/Admin|admin(:|&#58;)/);
    expect(await worker.count("roster_imports")).toBe(4);
    const [row] = await worker.query<{ file_hash: string; added: number }>("SELECT file_hash, added FROM roster_imports WHERE kind = 'people' ORDER BY id LIMIT 1");
    expect(row!.file_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.added).toBe(7);
    expect((await worker.say("ou_mgr_1", "名册记录")).texts.join("\n")).toContain("只有管理员可以使用");
  });

  it("never leaves the top office without an admin, and reactivates a person listed again", async () => {
    const demoted = people.replace("A001,孙主任,系统管理员", "A001,孙主任,管理员");
    const before = await worker.count("roster_imports");
    const refused = texts(await sendFile(ADMIN, "people.csv", demoted));
    expect(refused).toContain("导入后顶级督导室将没有系统管理员（孙主任（A001））");
    expect(await worker.count("roster_imports")).toBe(before);
    expect(await worker.query("SELECT active, role FROM people WHERE code = 'A001'")).toEqual([{ active: 1, role: "admin" }]);

    const noAdmin = people.split("\n").filter((line) => !line.startsWith("A001,")).join("\n");
    const pending = await sendFile(ADMIN, "people.csv", noAdmin);
    expect(texts(pending)).toContain("孙主任（A001，系统管理员）");
    expect(texts(pending)).toContain("更新 1 行"); // S002, listed again, is reactivated
    const [confirm] = buttonValues(pending.find((m) => m.msgType === "interactive")!);
    await expectRefusedClick(worker, ADMIN, confirm!, "导入后顶级督导室将没有系统管理员");
    expect(await worker.query("SELECT active FROM people WHERE code = 'A001'")).toEqual([{ active: 1 }]);

    const again = texts(await sendFile(ADMIN, "people.csv", people));
    expect(again).toContain("未变 7 行");
    expect(again).not.toContain("确认停用");
    expect(await worker.query("SELECT active FROM people WHERE code = 'S002'")).toEqual([{ active: 1 }]);
    expect((await worker.say("ou_sup_2", "我是谁")).texts.join("\n")).toContain("李秀英");
  });

  it("keeps an existing open_id unless the file gives one for that row", async () => {
    const blank = people.replace("S001,王建国,supervisor,Z01,,13800000001,,ou_sup_1,zh", "S001,王建国,supervisor,Z01,,13800000001,,,zh");
    await sendFile(ADMIN, "people.csv", blank);
    expect(await worker.query("SELECT open_id FROM people WHERE code = 'S001'")).toEqual([{ open_id: "ou_sup_1" }]);
    await sendFile(ADMIN, "people.csv", blank.replace("S001,王建国,supervisor,Z01,,13800000001,,,zh", "S001,王建国,supervisor,Z01,,13800000001,,ou_sup_1_new,zh"));
    expect(await worker.query("SELECT open_id FROM people WHERE code = 'S001'")).toEqual([{ open_id: "ou_sup_1_new" }]);
  });

  it("takes offices.csv only from the top office's admin, and checks the tree", async () => {
    const bad = texts(await sendFile(ADMIN, "offices.csv", "编号,名称,简称,上级编号,区县\nRZ,日照市督导室,日照,,\nDG,东港区督导室,东港,XX,东港区\n"));
    expect(bad).toContain("offices.csv 第 3 行：上级编号 XX 不存在");
    expect(await worker.count("offices")).toBe(0);
    const good = texts(await sendFile(ADMIN, "offices.csv", "编号,名称,简称,上级编号,区县,周报群\nRZ,日照市督导室,日照,,,\nDG,东港区督导室,东港,RZ,东港区,oc_dg\n"));
    expect(good).toContain("✅ 已导入 offices.csv（督导室）：新增 2 行");
    expect(await worker.query("SELECT code, short_name, parent_code, district, digest_chat_id FROM offices ORDER BY code")).toEqual([
      { code: "DG", short_name: "东港", parent_code: "RZ", district: "东港区", digest_chat_id: "oc_dg" },
      { code: "RZ", short_name: "日照", parent_code: null, district: "", digest_chat_id: null },
    ]);
  });
});
