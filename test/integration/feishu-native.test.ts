import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateDemoRoster } from "../../scripts/lib/demo-roster.ts";
import { addWeeks, currentWeek, localMidnightMs, weekStart } from "../../src/domain/time.ts";
import { FakeFeishu, type DeliveredMessage } from "../support/fake-feishu.ts";
import { botMembershipEvent, botMenuEvent, p2pChatEnteredEvent } from "../support/feishu-events.ts";
import { seedRoster } from "../support/roster.ts";
import { useWorker } from "../support/use-worker.ts";
import { expectRefusedClick } from "../support/refusal.ts";

/**
 * Issue 25, Feishu-native: the bot menu, the welcome, office groups bound with one click, whoami's office.
 * The demo city: 日照 (RZ) over one office per district; M001 its admin, M002 a city manager, M003 manages 东港 (RZ01).
 */
const ADMIN = "ou_demo_M001";
const CITY_MANAGER = "ou_demo_M002";
const DONGGANG_MANAGER = "ou_demo_M003";
const NEW_GROUP = "oc_new_donggang_group";
const CSV_DONGGANG_GROUP = "oc_demo_office_1";
const CONFIG_GROUP = "oc_office_group";

describe("Feishu-native: menu, welcome, digest groups bound in Feishu", () => {
  let dir: string;
  let supervisor: { code: string; openId: string; zone: string };

  const texts = (messages: DeliveredMessage[]) => messages.map((m) => FakeFeishu.textOf(m)).join("\n");
  async function event(payload: unknown) {
    // Feishu's side of a membership event: the bot is in the group (or no longer), and sends there succeed (or answer 230002)
    const { header, event: body } = payload as { header: { event_type: string }; event: { chat_id?: string } };
    if (body.chat_id && header.event_type === "im.chat.member.bot.added_v1") worker.fake.botChats.add(body.chat_id);
    if (body.chat_id && header.event_type === "im.chat.member.bot.deleted_v1") worker.fake.botChats.delete(body.chat_id);
    const before = worker.fake.messages.length;
    const response = await worker.post("/feishu/events", payload);
    expect(response.status).toBe(200);
    await worker.settle();
    return worker.fake.messages.slice(before);
  }
  function buttonValues(message: DeliveredMessage): Record<string, unknown>[] {
    const values: Record<string, unknown>[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        const record = node as Record<string, unknown>;
        if (record.tag === "button") values.push((record.behaviors as { value: Record<string, unknown> }[])[0]!.value);
        Object.values(record).forEach(walk);
      }
    };
    walk(message.content);
    return values;
  }
  const mondayAfter = (weeks: number) => new Date(localMidnightMs(weekStart(addWeeks(currentWeek(Date.now(), "Asia/Shanghai"), weeks)), "Asia/Shanghai") + 9 * 3_600_000);

  const worker = useWorker({
    teardown: () => {
      rmSync(dir, { recursive: true, force: true });
    },
    setup: async () => {
      dir = mkdtempSync(join(tmpdir(), "duxue-native-"));
      const demo = generateDemoRoster();
      for (const kind of ["offices", "zones", "people", "schools"] as const) writeFileSync(join(dir, `${kind}.csv`), demo[kind]);
      await seedRoster(worker, dir);
      const [row] = await worker.query<{ code: string; openId: string; zone: string }>(
        "SELECT p.code, p.open_id AS openId, z.name AS zone FROM people p JOIN zones z ON z.code = p.zone_code WHERE p.role = 'supervisor' AND z.district = '日照东港区' AND p.lang = 'zh' ORDER BY p.code LIMIT 1",
      );
      supervisor = row!;
    },
  });

  it("adding the bot to a group posts one card offering to make it the adder's office's digest group", async () => {
    const sent = await event(botMembershipEvent("added", worker.nextEventId(), NEW_GROUP, DONGGANG_MANAGER, "东港督导室工作群"));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.receiveId).toBe(NEW_GROUP);
    expect(FakeFeishu.textOf(sent[0]!)).toContain("设为日照东港区人民政府教育督导室周报群");
    expect(buttonValues(sent[0]!)).toEqual([{ action: "digest_group_bind", chat: NEW_GROUP, name: "东港督导室工作群" }]);
  });

  it("an external group gets no card", async () => {
    expect(await event(botMembershipEvent("added", worker.nextEventId(), "oc_external_group", DONGGANG_MANAGER, "外部群", true))).toHaveLength(0);
  });

  it("a supervisor or a stranger pressing the button is refused with a toast and nothing changes", async () => {
    const before = await worker.snapshot();
    const refusals: [string, string][] = [
      [supervisor.openId, "只有督导室的管理员和系统管理员可以设置周报群。"],
      ["ou_stranger_1", "还不在督学助手的名册中"],
    ];
    for (const [openId, says] of refusals) {
      const content = await expectRefusedClick(worker, openId, { action: "digest_group_bind", chat: NEW_GROUP, name: "东港督导室工作群" }, says);
      if (openId === supervisor.openId) expect(content).toBe(says);
    }
    expect(await worker.snapshot()).toEqual(before);
  });

  it("a manager pressing it binds the group to their own office, and the card says so", async () => {
    const { answer } = await worker.click(DONGGANG_MANAGER, { action: "digest_group_bind", chat: NEW_GROUP, name: "东港督导室工作群" });
    expect(answer.toast).toMatchObject({ type: "success" });
    expect(answer.toast!.content).toContain("已把本群设为日照东港区人民政府教育督导室的周报群");
    expect(JSON.stringify(answer.card?.data)).toContain("周报群已设置");
    expect(await worker.query("SELECT office_code, chat_id, bound_by FROM digest_groups")).toEqual([{ office_code: "RZ01", chat_id: NEW_GROUP, bound_by: "M003" }]);
  });

  it("`@bot 绑定周报群` typed in a group binds it for the sender's office; in a direct chat it says where to send it", async () => {
    const direct = await worker.say(CITY_MANAGER, "绑定周报群");
    expect(direct.texts.join("\n")).toContain("请在要设为周报群的群里 @督学助手 发送「绑定周报群」");
    const typed = await worker.say(CITY_MANAGER, "绑定周报群", { chatType: "group" });
    expect(typed.texts.join("\n")).toContain("已把本群设为日照市人民政府教育督导室的周报群");
    expect(await worker.query("SELECT office_code, chat_id FROM digest_groups ORDER BY office_code")).toEqual([
      { office_code: "RZ", chat_id: "oc_group_office" },
      { office_code: "RZ01", chat_id: NEW_GROUP },
    ]);
    const refused = await worker.say(supervisor.openId, "bind digest", { chatType: "group" });
    expect(refused.texts.join("\n")).toContain("只有管理员可以使用");
    expect(await worker.count("digest_groups")).toBe(2);
  });

  it("Monday's digest goes to the bound groups, ahead of offices.csv's group and DIGEST_CHAT_ID", async () => {
    const before = worker.fake.messages.length;
    await worker.runCron("0 1 * * *", mondayAfter(1));
    const sent = worker.fake.messages.slice(before);
    const to = (chat: string) => sent.filter((m) => m.receiveId === chat).map((m) => FakeFeishu.textOf(m));
    expect(to("oc_group_office")).toHaveLength(1);
    expect(to("oc_group_office")[0]).toContain("日照市人民政府教育督导室 · 督导周报");
    expect(to(NEW_GROUP)).toHaveLength(1);
    expect(to(NEW_GROUP)[0]).toContain("日照东港区人民政府教育督导室 · 督导周报");
    expect(to(CONFIG_GROUP)).toHaveLength(0);
    expect(to(CSV_DONGGANG_GROUP)).toHaveLength(0);
  });

  it("the import log lists each office's digest group and where it comes from", async () => {
    // card markdown carries escapes (&#95; for _), as Feishu receives them
    const answer = (await worker.say(ADMIN, "名册记录")).texts.join("\n").replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
    expect(answer).toContain("**周报群**");
    expect(answer).toContain(`- 日照东港区人民政府教育督导室：东港督导室工作群（${NEW_GROUP}）（在飞书中绑定，M003，`);
    expect(answer).toContain("- 日照市人民政府教育督导室：oc_group_office（在飞书中绑定，M002，");
    expect(answer).toContain("- 日照岚山区人民政府教育督导室：oc_demo_office_2（offices.csv）");
  });

  it("removing the bot from a bound group unbinds it and tells the office's managers; the digest falls back to offices.csv's group", async () => {
    const sent = await event(botMembershipEvent("deleted", worker.nextEventId(), NEW_GROUP, DONGGANG_MANAGER, "东港督导室工作群"));
    expect(await worker.query("SELECT office_code FROM digest_groups")).toEqual([{ office_code: "RZ" }]);
    const told = sent.filter((m) => m.receiveId === DONGGANG_MANAGER);
    expect(told).toHaveLength(1);
    expect(texts(told)).toContain("督学助手已被移出群「东港督导室工作群」，该群不再是日照东港区人民政府教育督导室的周报群");
    expect(sent.filter((m) => m.receiveId === CITY_MANAGER)).toHaveLength(0);
    // removal from a group that is no one's digest group changes nothing and tells no one
    expect(await event(botMembershipEvent("deleted", worker.nextEventId(), "oc_external_group", DONGGANG_MANAGER, "外部群"))).toHaveLength(0);

    const before = worker.fake.messages.length;
    await worker.runCron("0 1 * * *", mondayAfter(2));
    const digest = worker.fake.messages.slice(before);
    expect(digest.filter((m) => m.receiveId === NEW_GROUP)).toHaveLength(0);
    expect(digest.filter((m) => m.receiveId === CSV_DONGGANG_GROUP)).toHaveLength(1);
  });

  it("a menu item's event_key runs that command for whoever tapped it, answered in their direct chat", async () => {
    const week = await event(botMenuEvent(worker.nextEventId(), supervisor.openId, "week"));
    expect(week.length).toBeGreaterThan(0);
    expect(week.every((m) => m.receiveId === supervisor.openId && m.replyTo === null)).toBe(true);
    expect(texts(week)).toMatch(/本周|督导/);

    const help = await event(botMenuEvent(worker.nextEventId(), DONGGANG_MANAGER, "帮助"));
    expect(help.map((m) => m.receiveId)).toEqual([DONGGANG_MANAGER]);
    expect(texts(help)).toContain("督学助手 · 命令");

    const refused = await event(botMenuEvent(worker.nextEventId(), supervisor.openId, "stats"));
    expect(texts(refused)).toContain("抱歉，只有管理员可以使用「stats」");
    // a redelivered menu event answers once
    const eventId = worker.nextEventId();
    expect(await event(botMenuEvent(eventId, DONGGANG_MANAGER, "help"))).toHaveLength(1);
    expect(await event(botMenuEvent(eventId, DONGGANG_MANAGER, "help"))).toHaveLength(0);
  });

  it("the first opening of the bot's chat gets one welcome card naming role, zone and office; later ones nothing", async () => {
    const first = await event(p2pChatEnteredEvent(worker.nextEventId(), supervisor.openId));
    expect(first).toHaveLength(1);
    expect(first[0]!.msgType).toBe("interactive");
    const text = FakeFeishu.textOf(first[0]!);
    expect(text).toContain("欢迎使用督学助手");
    expect(text).toContain("您是责任督学");
    expect(text).toContain(supervisor.zone);
    expect(text).toContain("日照东港区人民政府教育督导室");
    expect(text).toContain("菜单");
    expect(await event(p2pChatEnteredEvent(worker.nextEventId(), supervisor.openId))).toHaveLength(0);
    expect(await worker.count("welcomes", "open_id = ?1", supervisor.openId)).toBe(1);

    const manager = await event(p2pChatEnteredEvent(worker.nextEventId(), DONGGANG_MANAGER));
    expect(FakeFeishu.textOf(manager[0]!)).toContain("绑定周报群");
  });

  it("someone not on the roster is answered at most once a day, with their own open_id", async () => {
    const first = await event(p2pChatEnteredEvent(worker.nextEventId(), "ou_stranger_2"));
    expect(first).toHaveLength(1);
    expect(texts(first)).toContain("您还不在督学助手的名册中");
    expect(texts(first)).toContain("ou_stranger_2");
    expect(await event(p2pChatEnteredEvent(worker.nextEventId(), "ou_stranger_2"))).toHaveLength(0);
    expect(await worker.count("welcomes")).toBe(2);
  });

  it("whoami names a manager's office and a supervisor's zone and its office", async () => {
    expect((await worker.say(DONGGANG_MANAGER, "我是谁")).texts.join("\n")).toContain("**所属督导室**：日照东港区人民政府教育督导室");
    const mine = (await worker.say(supervisor.openId, "whoami")).texts.join("\n");
    expect(mine).toContain(supervisor.zone);
    expect(mine).toContain("**所属督导室**：日照东港区人民政府教育督导室");
  });

  it("the fake holds cards to Feishu's 14 days: a click on an older card is recorded, and would fail the test", async () => {
    const [offer] = await event(botMembershipEvent("added", worker.nextEventId(), "oc_old_group", DONGGANG_MANAGER, "旧群"));
    await worker.click(DONGGANG_MANAGER, { action: "digest_group_bind", chat: "oc_old_group", name: "旧群" }, undefined, offer!.messageId);
    expect(worker.fake.expiredCardUses).toEqual([]);
    worker.fake.advance(14 * 86_400_000 + 60_000);
    try {
      await worker.click(DONGGANG_MANAGER, { action: "digest_group_bind", chat: "oc_old_group", name: "旧群" }, undefined, offer!.messageId);
      expect(worker.fake.expiredCardUses).toEqual([{ messageId: offer!.messageId, use: "click" }]);
    } finally {
      worker.fake.expiredCardUses.splice(0);
      worker.fake.advance(-(14 * 86_400_000 + 60_000));
    }
  });

  it("help tells administrators about offices.csv and Excel rosters", async () => {
    const help = (await worker.say(ADMIN, "帮助")).texts.join("\n");
    expect(help).toContain("offices.csv");
    expect(help).toContain("Excel");
  });
});

