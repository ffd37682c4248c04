import { beforeEach, describe, expect, it } from "vitest";
import { D1_FAULTS_ENTRY, peekD1Faults, setD1Faults } from "../support/d1-faults.ts";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { messageEvent, TestWorker, VERIFICATION_TOKEN } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";
import { addWeeks, currentWeek, weekStart } from "../../src/domain/time.ts";
import { botMenuEvent } from "../support/feishu-events.ts";

/**
 * "A bad day loses nothing": D1 failing under the real Worker (workerd, local D1, the real SDK) through the
 * fault-injecting entry (test/support/d1-faults.ts). Transient errors are retried; what outlasts the retries,
 * or a command's work cut off after the 200, is run again from the inbox by the every-minute recovery job.
 */
const RECOVERY = "* * * * *";
const MINUTE = 60 * 1000;
const APOLOGY = "抱歉";

function whoamiEvent(id: string) {
  return messageEvent({ eventId: `ev_${id}`, messageId: `om_${id}`, openId: "ou_sup_1", chatType: "p2p", messageType: "text", content: { text: "我是谁" } });
}

const texts = (worker: TestWorker) => worker.fake.messages.map((m) => FakeFeishu.textOf(m));

async function waitForLog(worker: TestWorker, match: (line: Record<string, unknown>) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!worker.logs.some(match)) {
    if (Date.now() > deadline) throw new Error("log line not seen");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("durability under D1 faults", () => {

  const worker = useWorker({ roster: true, wrapEntry: D1_FAULTS_ENTRY, expectErrors: [/D1_ERROR/, /"outcome":"expired_unprocessed"/] });
  beforeEach(async () => {
    await setD1Faults(worker, {});
    worker.fake.reset();
  });

  it("D1 failing in the middle of a command: the person gets exactly one right answer after the retries, no apology", async () => {
    // the redelivery check fails twice, then the command's final batch (the claim's) once
    await setD1Faults(worker, { match: "processed_events", failCalls: [1, 2, 4] });
    const { response, texts: answers, messageId } = await worker.say("ou_sup_1", "我是谁");
    expect(response.status).toBe(200);
    expect((await setD1Faults(worker, {})).failed).toBe(3);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain("王建国");
    expect(answers[0]).not.toContain(APOLOGY);
    expect(await worker.count("processed_events", "key = ?", `message:${messageId}`)).toBe(1);
    expect(await worker.count("inbox")).toBe(0);
  });

  it("D1 failing in a card action: the form is issued once, with a success toast", async () => {
    const form = { kind: "order", schools: "SCH001", due: "30天", text: "校门口交通安全整改" };
    // the form's claim check fails once, then the commit that claims it and issues the order once
    await setD1Faults(worker, { match: "processed_events", failCalls: [1, 3] });
    const click = await worker.click("ou_mgr_1", { action: "order_issue_submit" }, form, "om_issue_form_faults");
    expect((await setD1Faults(worker, {})).failed).toBe(2);
    expect(click.status).toBe(200);
    expect(click.answer.toast?.type).toBe("success");
    expect(await worker.count("orders")).toBe(1);
    expect(await worker.count("processed_events", "key = 'form:om_issue_form_faults'")).toBe(1);
  });

  it("D1 failing in a cron job and in the queue batch that delivers its card: the card goes out once", async () => {
    // the digest job's commit (its outbox insert) fails once, then the queue consumer's claim of the row once
    await setD1Faults(worker, { match: "outbox", failCalls: [1, 3] });
    const logsBefore = worker.logs.length;
    // next Monday 09:00 Shanghai, not a fixed past date: its card is delivered for 24 hours after the job's time
    const lastWeek = currentWeek(Date.now(), "Asia/Shanghai");
    await worker.runCron("0 1 * * *", new Date(`${weekStart(addWeeks(lastWeek, 1))}T01:00:00Z`));
    expect((await setD1Faults(worker, {})).failed).toBe(2);
    // the office's digest once (this week's supervisors may get cards of their own), and nothing twice
    const toOffice = worker.fake.messages.filter((m) => (m.receiveId ?? m.chatId) === "oc_office_group");
    expect(toOffice).toHaveLength(1);
    expect(JSON.stringify(toOffice[0]!.content)).toContain(`督导周报 · ${lastWeek}`);
    const uuids = worker.fake.messages.map((m) => m.uuid);
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(await worker.count("digests", "week = ? AND scope = 'office'", lastWeek)).toBe(1);
    expect(worker.logs.slice(logsBefore).filter((line) => line.outcome === "error")).toEqual([]);
  });

  it("D1 failing longer than the retries: one notice, then the recovery job runs the command exactly once", async () => {
    const event = whoamiEvent("d1_down");
    // the inbox row is written before the 200; every later call fails until the outage ends
    await setD1Faults(worker, { failFrom: 2 });
    expect((await worker.post("/feishu/events", event)).status).toBe(200);
    await waitForLog(worker, (line) => line.route === "event" && line.event_id === "ev_d1_down" && line.outcome === "deferred");
    await waitForLog(worker, () => worker.fake.messages.length > 0);
    expect(texts(worker)).toEqual([expect.stringContaining("稍后会自动处理")]);
    expect((await setD1Faults(worker, {})).failed).toBeGreaterThanOrEqual(5);
    expect(await worker.count("inbox", "event_id = 'ev_d1_down'")).toBe(1);
    expect(await worker.count("processed_events", "key = 'message:om_d1_down'")).toBe(0);

    // a recovery run while the command's reads still fail: no second notice, the row waits for the next run
    await setD1Faults(worker, { match: "processed_events", failFrom: 1 });
    await worker.runCron(RECOVERY, new Date(Date.now() + 2 * MINUTE));
    expect((await setD1Faults(worker, {})).failed).toBe(5);
    expect(texts(worker)).toHaveLength(1);
    expect(await worker.count("inbox", "event_id = 'ev_d1_down' AND attempts = 1")).toBe(1);

    // the outage is over: the next run of the recovery job answers the command
    await worker.runCron(RECOVERY, new Date(Date.now() + 4 * MINUTE));
    expect(texts(worker)).toHaveLength(2);
    expect(texts(worker)[1]).toContain("王建国");
    expect(await worker.count("inbox")).toBe(0);
    expect(await worker.count("processed_events", "key = 'message:om_d1_down'")).toBe(1);

    // once: later runs and a late redelivery from Feishu change nothing
    await worker.runCron(RECOVERY, new Date(Date.now() + 10 * MINUTE));
    expect((await worker.post("/feishu/events", event)).status).toBe(200);
    await worker.settle();
    expect(texts(worker)).toHaveLength(2);
    expect(await worker.count("inbox")).toBe(0);
  });

  it("the work cut off after the 200 (isolate killed): the recovery job runs it, exactly once", async () => {
    const event = whoamiEvent("killed");
    // after the inbox row, the event's work never gets an answer from D1 again: it is dead, nothing sent
    await setD1Faults(worker, { hangFrom: 2 });
    expect((await worker.post("/feishu/events", event)).status).toBe(200);
    for (let i = 0; i < 400 && (await peekD1Faults(worker)).hung === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    const [row] = await worker.query<{ payload: string }>("SELECT payload FROM inbox WHERE event_id = 'ev_killed'");
    expect(JSON.parse(row!.payload).event.message.message_id).toBe("om_killed");
    expect(row!.payload).not.toContain(VERIFICATION_TOKEN);
    expect((await setD1Faults(worker, {})).hung).toBe(1);
    worker.cutOff(event.header.event_id);
    expect(worker.fake.messages).toHaveLength(0);

    // not yet due: a live attempt may still be running within its first minute
    await worker.runCron(RECOVERY, new Date(Date.now()));
    expect(worker.fake.messages).toHaveLength(0);

    await worker.runCron(RECOVERY, new Date(Date.now() + 2 * MINUTE));
    expect(texts(worker)).toHaveLength(1);
    expect(texts(worker)[0]).toContain("王建国");
    expect(await worker.count("inbox")).toBe(0);

    await worker.runCron(RECOVERY, new Date(Date.now() + 10 * MINUTE));
    expect((await worker.post("/feishu/events", event)).status).toBe(200);
    await worker.settle();
    expect(texts(worker)).toHaveLength(1);
  });

  it("a bot menu tap cut off after the 200 is in the inbox too: the recovery job answers it, once", async () => {
    const tap = botMenuEvent("ev_menu_killed", "ou_sup_1", "whoami");
    await setD1Faults(worker, { hangFrom: 2 });
    expect((await worker.post("/feishu/events", tap)).status).toBe(200);
    for (let i = 0; i < 400 && (await peekD1Faults(worker)).hung === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await worker.count("inbox", "event_id = 'ev_menu_killed'")).toBe(1);
    expect((await setD1Faults(worker, {})).hung).toBe(1);
    worker.cutOff("ev_menu_killed");
    expect(worker.fake.messages).toHaveLength(0);

    await worker.runCron(RECOVERY, new Date(Date.now() + 2 * MINUTE));
    await worker.settle();
    expect(texts(worker)).toHaveLength(1);
    expect(texts(worker)[0]).toContain("王建国");
    expect(await worker.count("inbox")).toBe(0);

    // Feishu delivering the same tap again changes nothing
    expect((await worker.post("/feishu/events", tap)).status).toBe(200);
    await worker.settle();
    expect(texts(worker)).toHaveLength(1);
    expect(await worker.count("inbox")).toBe(0);
  });

  it("an event the recovery could not run for 12 hours is dropped, logged by its id alone", async () => {
    const event = whoamiEvent("too_old");
    const longAgo = Date.now() - 13 * 60 * MINUTE;
    await worker.query(
      "INSERT INTO inbox (event_id, payload, received_at, attempts, next_attempt_at) VALUES (?, ?, ?, 9, ?)",
      "ev_too_old",
      JSON.stringify(event),
      longAgo,
      longAgo + MINUTE,
    );
    const logsBefore = worker.logs.length;
    await worker.runCron(RECOVERY, new Date());
    expect(await worker.count("inbox")).toBe(0);
    expect(worker.fake.messages).toHaveLength(0);
    const dropped = worker.logs.slice(logsBefore).filter((line) => line.outcome === "expired_unprocessed");
    expect(dropped).toEqual([expect.objectContaining({ event_id: "ev_too_old" })]);
    expect(JSON.stringify(dropped)).not.toContain("我是谁");
  });

  it("group chatter (no @) is answered 200 without touching the inbox, and leaves nothing", async () => {
    await setD1Faults(worker, { match: "inbox", failFrom: 1 });
    const chatter = messageEvent({ eventId: "ev_chatter", messageId: "om_chatter", openId: "ou_sup_1", chatType: "group", messageType: "text", content: { text: "我是谁" } });
    expect((await worker.post("/feishu/events", chatter)).status).toBe(200);
    await worker.settle();
    expect((await setD1Faults(worker, {})).seen).toBe(0);
    expect(worker.fake.messages).toHaveLength(0);
    expect(await worker.count("processed_events", "key = 'message:om_chatter'")).toBe(0);
  });

  it("the inbox row cannot be written: no 200, so Feishu delivers again; the redelivery is answered once", async () => {
    const event = whoamiEvent("no_inbox");
    await setD1Faults(worker, { match: "INSERT INTO inbox", failFrom: 1 });
    const refused = await worker.post("/feishu/events", event);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ error: "unavailable" });
    expect((await setD1Faults(worker, {})).failed).toBe(5);
    expect(await worker.count("inbox")).toBe(0);
    await worker.settle();
    // the attempt after the refusal still ran (D1 was fine for everything but the inbox)
    expect(texts(worker)).toHaveLength(1);
    expect(texts(worker)[0]).toContain("王建国");

    // Feishu's redelivery 15 s later: recorded, found claimed, nothing sent, no row left behind
    expect((await worker.post("/feishu/events", event)).status).toBe(200);
    await worker.settle();
    expect(texts(worker)).toHaveLength(1);
    expect(await worker.count("inbox")).toBe(0);
  });
});
