import { expect } from "vitest";
import { messages } from "../../src/i18n/index.ts";
import type { TestWorker } from "./worker.ts";

/**
 * One check for "refused": a refusal is told apart from a crash. A card action that throws still answers 200
 * with an error toast (src/app.ts: common.internalError), so `toast.type === "error"` alone passes a crash.
 * A refusal here is:
 * - an error toast whose CONTENT is the refusal the user should read (a string it contains, or a pattern);
 * - not the internal-error toast, and no error log line written while the action ran (worker.logs);
 * - no card replacing the clicked one;
 * - optionally (`unchanged`), the same content before and after in the tables given (worker.snapshot()).
 */

export interface CardAnswer {
  toast?: { type: string; content: string };
  card?: unknown;
}

/** The internal-error toast's opening words (i18n common.internalError, zh and en): a crash, never a refusal. */
const crashPrefixes = (["zh", "en"] as const).map((lang) => messages(lang).common.internalError("\u0000").split("\u0000")[0]!);
const CRASH = new RegExp(crashPrefixes.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));

/** Error log lines written since `mark` (an index into worker.logs taken before the action). */
export function errorsSince(worker: TestWorker, mark: number): Record<string, unknown>[] {
  return worker.logs.slice(mark).filter((line) => line.level === "error");
}

/** Asserts the answer is a refusal saying `says` (substring or pattern), and that no error was logged since `mark`. */
export function expectRefusalAnswer(worker: TestWorker, mark: number, answer: CardAnswer, says: string | RegExp): string {
  expect(answer.toast?.type, `expected an error toast, got ${JSON.stringify(answer)}`).toBe("error");
  const content = answer.toast!.content;
  if (typeof says === "string") expect(content).toContain(says);
  else expect(content).toMatch(says);
  expect(content, "the internal-error toast is a crash, not a refusal").not.toMatch(CRASH);
  expect(answer.card).toBeUndefined();
  expect(errorsSince(worker, mark), "a refusal logs no error").toEqual([]);
  return content;
}

/**
 * Clicks as `openId` and asserts a refusal saying `says`, no error logged, and (with `unchanged`) that the
 * snapshot is the same before and after. Returns the toast's text.
 */
export async function expectRefusedClick(
  worker: TestWorker,
  openId: string,
  value: Record<string, unknown>,
  says: string | RegExp,
  options: { formValue?: Record<string, unknown>; messageId?: string; unchanged?: boolean } = {},
): Promise<string> {
  const before = options.unchanged ? await worker.snapshot() : undefined;
  const mark = worker.logs.length;
  const { status, answer } = await worker.click(openId, value, options.formValue, options.messageId);
  expect(status).toBe(200);
  const content = expectRefusalAnswer(worker, mark, answer, says);
  if (before) expect(await worker.snapshot()).toEqual(before);
  return content;
}

/** Says `text` as `openId` and asserts a reply containing `says` with no error logged (and, with `unchanged`, no change). */
export async function expectRefusedCommand(
  worker: TestWorker,
  openId: string,
  text: string,
  says: string | RegExp,
  options: { chatType?: "p2p" | "group"; unchanged?: boolean } = {},
): Promise<string> {
  const before = options.unchanged ? await worker.snapshot() : undefined;
  const mark = worker.logs.length;
  const { texts } = await worker.say(openId, text, { chatType: options.chatType });
  const reply = texts.join("\n");
  if (typeof says === "string") expect(reply).toContain(says);
  else expect(reply).toMatch(says);
  expect(reply).not.toMatch(CRASH);
  expect(errorsSince(worker, mark), "a refusal logs no error").toEqual([]);
  if (before) expect(await worker.snapshot()).toEqual(before);
  return reply;
}
