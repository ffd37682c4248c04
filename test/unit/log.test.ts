import { DrizzleQueryError } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorChainText } from "../../src/db/error-text.ts";
import { errorDetail, logger } from "../../src/log.ts";

/** What drizzle throws when D1 refuses a query it ran (`.run()`, `.get()`, a select): the bound values in the message. */
const failedQuery = () =>
  new DrizzleQueryError(
    'insert into "people" ("code", "name", "mobile") values (?, ?, ?)',
    ["P001", "张老师", "13800138000"],
    new Error("D1_ERROR: UNIQUE constraint failed: people.code: SQLITE_CONSTRAINT"),
  );

describe("error log lines", () => {
  afterEach(() => vi.restoreAllMocks());

  it("keep a failed query's SQL and D1's reason, never its bound values (names, mobiles)", () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    logger.error({ ref: "abc123", route: "event", outcome: "error" }, failedQuery());
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, string>;
    expect(line).toMatchObject({ level: "error", ref: "abc123", route: "event", outcome: "error" });
    expect(line.error).toContain('insert into "people"');
    expect(line.error).toContain("UNIQUE constraint failed: people.code");
    expect(lines[0]).not.toContain("13800138000");
    expect(lines[0]).not.toContain("张老师");
  });

  it("keep any other error's name and message", () => {
    expect(errorDetail(new TypeError("boom"))).toBe("TypeError: boom");
    expect(errorDetail("plain")).toBe("plain");
    expect(errorDetail(undefined)).toBeUndefined();
  });

  it("a conflict check reads the D1 error behind drizzle's wrapper", () => {
    expect(errorChainText(failedQuery())).toMatch(/UNIQUE constraint failed: people\.code/);
  });
});
