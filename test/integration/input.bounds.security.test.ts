import { beforeEach, describe, expect, it } from "vitest";
import { FakeFeishu } from "../support/fake-feishu.ts";
import { ADMIN_OPEN_ID, messageEvent } from "../support/worker.ts";
import { useWorker } from "../support/use-worker.ts";

/** Bounded input: too many schools, too big or too long files, over-long form fields get a clear answer and change nothing. */
describe("bounded input", () => {
  let before: Record<string, number>;
  let counter = 0;

  const worker = useWorker({ roster: true });
  beforeEach(async () => {
    await worker.settle();
    worker.fake.reset();
    before = await worker.snapshot();
  });

  async function expectNoChange() {
    const after = await worker.snapshot();
    // processed_events holds the delivery's dedupe key and the outbox the answer; nothing else may change.
    expect({ ...after, processed_events: 0, outbox: 0 }).toEqual({ ...before, processed_events: 0, outbox: 0 });
  }

  async function sendFile(fileName: string, content: string | Uint8Array, declaredSize?: number) {
    const messageId = `om_bounds_file_${++counter}`;
    const fileKey = `file_v3_bounds_${counter}`;
    worker.fake.addFile(messageId, fileKey, fileName, content);
    const since = worker.fake.messages.length;
    await worker.post(
      "/feishu/events",
      messageEvent({
        eventId: worker.nextEventId(),
        messageId,
        openId: ADMIN_OPEN_ID, // roster files are an admin's
        chatType: "p2p",
        messageType: "file",
        content: { file_key: fileKey, file_name: fileName, ...(declaredSize !== undefined ? { file_size: declaredSize } : {}) },
      }),
    );
    await worker.settle();
    const downloads = worker.fake.calls.filter((call) => call.path.includes("/resources/")).length;
    return { text: worker.fake.messages.slice(since).map((m) => FakeFeishu.textOf(m)).join("\n"), downloads };
  }

  it("an order command naming more than 100 schools is refused with the limit, and issues nothing", async () => {
    const schools = Array.from({ length: 101 }, (_, i) => `SCH${String(i).padStart(3, "0")}`).join(",");
    const { texts } = await worker.say("ou_mgr_1", `督办 ${schools} 30天 全市校园安全检查`);
    expect(texts.join("\n")).toContain("一次最多下发给 100 所学校（这次写了 101 所）");
    await expectNoChange();
  });

  it("the issuing form naming more than 100 schools is refused the same way", async () => {
    const schools = Array.from({ length: 150 }, () => "SCH001").join("、");
    const { answer } = await worker.click("ou_mgr_1", { action: "order_issue_submit" }, { kind: "order", schools, due: "30天", text: "全市校园安全检查" }, "om_issue_form_bounds");
    expect(answer.toast?.type).toBe("error");
    expect(answer.toast?.content).toContain("一次最多下发给 100 所学校");
    await expectNoChange();
  });

  it("a form field longer than any field allows is refused before the handler runs", async () => {
    const { answer } = await worker.click("ou_mgr_1", { action: "order_issue_submit" }, { kind: "order", schools: "SCH001", due: "30天", text: "长".repeat(5_000) }, "om_issue_form_long");
    expect(answer.toast).toEqual({ type: "error", content: "填写的内容太长，请精简后再提交。" });
    await expectNoChange();
  });

  it("a file the message says is over 2 MB is not even downloaded", async () => {
    const { text, downloads } = await sendFile("schools.csv", "code,name\n", 3 * 1024 * 1024);
    expect(text).toContain("超过 2 MB");
    expect(downloads).toBe(0);
    await expectNoChange();
  });

  it("a file over 2 MB without a stated size is refused without reading it whole", async () => {
    // 32 MB: a reader that stops after 2 MB pulls a few MB at most (socket buffers); one that reads it whole pulls all 32
    const big = new Uint8Array(32 * 1024 * 1024).fill(0x61);
    const { text, downloads } = await sendFile("schools.csv", big);
    expect(text).toContain("超过 2 MB");
    expect(downloads).toBe(1);
    const [download] = worker.fake.calls.filter((c) => c.path.includes("/resources/"));
    expect(worker.fake.servedBytes(download!)).toBeGreaterThan(0);
    expect(worker.fake.servedBytes(download!)).toBeLessThan(12 * 1024 * 1024);
    await expectNoChange();
  });

  it("a calendar file with more rows than any calendar has is refused whole", async () => {
    const rows = Array.from({ length: 600 }, (_, i) => `holiday,假日${i},2027-01-01,2027-01-02`);
    const { text } = await sendFile("calendar.csv", ["kind,name,start_date,end_date", ...rows].join("\n"));
    expect(text).toContain("行数太多（校历最多 500 行）");
    await expectNoChange();
  });
});
