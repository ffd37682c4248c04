import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cardActions } from "../../src/actions/index.ts";
import { commands } from "../../src/commands/index.ts";
import { ROOT } from "../support/build.ts";
import { CASES, caseName, PARTS, partOf, scopeMatrix } from "../support/scope-matrix.ts";

/** The scope matrix's card actions (test/support/scope-matrix.ts); the commands are played in scope.matrix.commands-*.test.ts. */
describe("the scope matrix, card actions: every card action × every kind of person × A, B and the city", () => {
  it("has expectations for every command and card action of the registries", () => {
    const covered = new Set(CASES.map((c) => c.entry));
    const registry = [...commands.map((c) => `command ${c.name}`), ...cardActions.map((a) => `action ${a.name}`)];
    expect(registry.filter((entry) => !covered.has(entry))).toEqual([]);
    expect([...covered].filter((entry) => !registry.includes(entry))).toEqual([]);
    // every case is in exactly one part, and every part is played by its own file
    const parted = Object.values(PARTS).flat();
    expect(CASES.filter((c) => !parted.includes(c)).map(caseName)).toEqual([]);
    expect(parted.length).toBe(CASES.length);
    const dir = join(ROOT, "test/integration");
    const files = readdirSync(dir).filter((file) => /^scope\.matrix\..+\.test\.ts$/.test(file));
    expect(files.map(partOf).sort()).toEqual(Object.keys(PARTS).sort());
    for (const file of files) expect(readFileSync(join(dir, file), "utf8"), file).toContain("scopeMatrix(import.meta.url)");
  });

  scopeMatrix(import.meta.url);
});
