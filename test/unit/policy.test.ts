import { describe, expect, it } from "vitest";
import { cardActions } from "../../src/actions/index.ts";
import { commands } from "../../src/commands/index.ts";
import { NO_SCOPE, scopeOf, WHOLE_SCOPE, type Office } from "../../src/domain/offices.ts";
import { mayActOn, mayStart, POLICY_ROLES, type Policy, type PolicyActor } from "../../src/domain/policy.ts";

const office = (code: string, parentCode: string | null, district = ""): Office => ({ code, name: code, shortName: code, parentCode, district, digestChatId: null });
const tree = [office("RZ", null), office("DG", "RZ", "东港区"), office("LS", "RZ", "岚山区")];
const actor = (role: PolicyActor["role"], officeCode: string | null, extra: Partial<PolicyActor> = {}): PolicyActor => ({
  code: `${role}:${officeCode}`,
  role,
  schoolCode: null,
  scope: role === "manager" || role === "admin" ? scopeOf(tree, officeCode) : WHOLE_SCOPE,
  officeValid: role === "manager" || role === "admin" ? tree.some((o) => o.code === officeCode) : true,
  ...extra,
});
const inDongGang = { zone: { level: "district" as const, district: "东港区" } };
const inCity = { zone: { level: "city" as const, district: "" } };

describe("the one policy: every registry entry declares who may do what, where", () => {
  const entries: [string, Policy | undefined][] = [
    ...commands.map((c): [string, Policy | undefined] => [`command ${c.name}`, c.policy]),
    ...cardActions.map((a): [string, Policy | undefined] => [`card action ${a.name}`, a.policy]),
  ];
  it.each(entries)("%s declares a policy with known roles", (_, policy) => {
    expect(policy, "declare `policy` in its registry entry (domain/policy.ts)").toBeDefined();
    expect(["school", "zone", "order", "report", "person", "office", "setting", "self"]).toContain(policy!.acts);
    if (policy!.roles !== "everyone") for (const role of policy!.roles) expect(POLICY_ROLES).toContain(role);
  });

  const undeclared = (entries: readonly { name: string; policy?: Policy }[]) => entries.filter((entry) => !entry.policy).map((entry) => entry.name);
  it("no command or card action is without one (and an entry without one is found)", () => {
    expect(undeclared(commands)).toEqual([]);
    expect(undeclared(cardActions)).toEqual([]);
    expect(undeclared([...cardActions, { name: "new_button" }])).toEqual(["new_button"]);
  });
});

describe("the one policy: decisions", () => {
  const calendar: Policy = { acts: "setting", roles: ["manager", "admin"], reach: "any", changes: { reach: "top", when: (argv) => argv.length > 0 } };
  const report: Policy = { acts: "report", roles: ["supervisor", "manager", "admin"], reach: "scope" };

  it("city-wide settings: every manager reads, only the top office changes", () => {
    expect(mayStart(calendar, actor("manager", "DG"), [])).toBeNull();
    expect(mayStart(calendar, actor("manager", "DG"), ["添加"])).toBe("top_only");
    expect(mayStart(calendar, actor("admin", "DG"), ["删除", "1"])).toBe("top_only");
    expect(mayStart(calendar, actor("manager", "RZ"), ["添加"])).toBeNull();
    expect(mayStart(calendar, actor("supervisor", null), [])).toBe("role");
  });

  it("fails closed: a manager or admin with an empty or unknown office is refused, except for themselves", () => {
    expect(mayStart(report, actor("manager", null))).toBe("no_office");
    expect(mayStart(report, actor("admin", "NOPE"))).toBe("no_office");
    expect(mayStart({ acts: "self", roles: "everyone", reach: "any" }, actor("manager", null))).toBeNull();
    expect(mayActOn(actor("manager", null), inCity)).toBe(false);
    expect(scopeOf(tree, "")).toEqual(NO_SCOPE);
  });

  it("managers act within their office and below; supervisors on their own; contacts on their school", () => {
    expect(mayActOn(actor("manager", "DG"), inDongGang)).toBe(true);
    expect(mayActOn(actor("manager", "LS"), inDongGang)).toBe(false);
    expect(mayActOn(actor("manager", "DG"), inCity)).toBe(false);
    expect(mayActOn(actor("admin", "RZ"), inCity)).toBe(true);
    expect(mayActOn(actor("manager", "DG"), { zone: null })).toBe(false);
    expect(mayActOn(actor("supervisor", null, { code: "S1" }), { ...inCity, supervisorCode: "S1" })).toBe(true);
    expect(mayActOn(actor("supervisor", null, { code: "S1" }), { ...inCity, supervisorCode: "S2" })).toBe(false);
    expect(mayActOn(actor("school_contact", null, { schoolCode: "X1" }), { ...inCity, schoolCode: "X1" })).toBe(true);
    expect(mayActOn(actor("school_contact", null, { schoolCode: "X1" }), { ...inCity, schoolCode: "X2" })).toBe(false);
  });

  it("without offices everyone keeps the whole scope", () => {
    expect(scopeOf([], null)).toEqual(WHOLE_SCOPE);
  });
});
