import { describe, expect, it } from "vitest";
import { closestName, parseCommand } from "../../src/commands/router.ts";
import { findCommand, commandsFor } from "../../src/commands/index.ts";

describe("command parsing", () => {
  it("accepts a leading slash, full-width characters and extra spaces", () => {
    expect(parseCommand("/help")).toEqual({ name: "help", args: "", argv: [] });
    expect(parseCommand("　／ＨＥＬＰ　　ａ  b ")).toEqual({ name: "help", args: "a b", argv: ["a", "b"] });
    expect(parseCommand("帮助")?.name).toBe("帮助");
  });

  it("keeps the punctuation of free text as typed", () => {
    expect(parseCommand("督办 ＳＣＨ００１ ７天 校门口秩序混乱，需设置护学岗（早晚）")).toEqual({
      name: "督办",
      args: "SCH001 7天 校门口秩序混乱，需设置护学岗（早晚）",
      argv: ["SCH001", "7天", "校门口秩序混乱，需设置护学岗（早晚）"],
    });
  });

  it("strips mention keys", () => {
    expect(parseCommand("@_user_1 督办单 逾期", ["@_user_1"])).toEqual({ name: "督办单", args: "逾期", argv: ["逾期"] });
    expect(parseCommand("@_user_1", ["@_user_1"])).toBeNull();
  });

  it("finds commands by English and Chinese names", () => {
    expect(findCommand("HELP")?.name).toBe("help");
    expect(findCommand("我是谁")?.name).toBe("whoami");
  });

  it("suggests the closest command for a typo, nothing for noise", () => {
    expect(closestName("hepl", ["help", "whoami"])).toBe("help");
    expect(closestName("whoam", ["help", "whoami"])).toBe("whoami");
    expect(closestName("xyzzy-plugh", ["help", "whoami"])).toBeNull();
  });

  it("lists for each role only the commands it may use", () => {
    const names = (role: Parameters<typeof commandsFor>[0]) => commandsFor(role).map((c) => c.name);
    expect(names("supervisor")).toEqual(expect.arrayContaining(["help", "whoami", "week", "report", "leave", "show", "orders"]));
    for (const managerOnly of ["order", "plan", "close", "export", "outbox", "digest"]) expect(names("supervisor")).not.toContain(managerOnly);
    expect(names("school_contact")).not.toContain("week");
    expect(names("manager")).toEqual(expect.arrayContaining(["order", "plan", "close", "export", "outbox", "digest"]));
    // admins also read the roster import log
    expect(names("admin")).toEqual([...names("manager"), "roster-log"]);
    expect(names("manager")).not.toContain("roster-log");
  });
});
