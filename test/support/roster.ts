import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { messages } from "../../src/i18n/index.ts";
import { MAX_ROWS, parseRoster, ROSTER_ORDER } from "../../src/roster/parse.ts";
import { buildRosterContext, type RosterRow } from "../../src/roster/store.ts";
import { CONTEXT_QUERIES, rosterUpserts } from "../../src/db/roster-sql.ts";
import { ROOT } from "./build.ts";
import type { TestWorker } from "./worker.ts";

export const FIXTURE_ROSTER = join(ROOT, "test/fixtures/roster");

/** Loads a roster folder into the worker's D1 with the same parser and upserts the import uses. */
export async function seedRoster(worker: TestWorker, dir = FIXTURE_ROSTER, nowMs = Date.now()): Promise<void> {
  const d1 = await worker.d1();
  for (const kind of ROSTER_ORDER) {
    if (!existsSync(join(dir, `${kind}.csv`))) continue;
    const [zones, supervisors, openIds, offices] = await Promise.all([
      worker.query<{ code: string }>(CONTEXT_QUERIES.zoneCodes),
      worker.query<{ code: string }>(CONTEXT_QUERIES.supervisorCodes),
      worker.query<{ code: string; open_id: string }>(CONTEXT_QUERIES.openIds),
      worker.query<{ code: string }>(CONTEXT_QUERIES.officeCodes),
    ]);
    // A province's schools are more rows than one file may hold (MAX_ROWS): seeded in parts, as an office would import them.
    const [header, ...lines] = readFileSync(join(dir, `${kind}.csv`), "utf8").split("\n");
    for (let from = 0; from < lines.length; from += MAX_ROWS) {
      const text = [header, ...lines.slice(from, from + MAX_ROWS)].join("\n");
      const parsed = parseRoster(kind, text, buildRosterContext(zones, supervisors, openIds, [], offices), messages("en"));
      if (parsed.errors.length) throw new Error(`fixture ${kind}.csv: ${JSON.stringify(parsed.errors)}`);
      for (const upsert of rosterUpserts(kind, parsed.rows as RosterRow[], nowMs)) await d1.prepare(upsert.sql).bind(...upsert.params).run();
    }
  }
  await botJoinsOfficeGroups(worker);
}

/** The deployer adds the bot to every office's digest group (offices.csv digest_chat_id): else Feishu refuses sends there (230002). */
export async function botJoinsOfficeGroups(worker: TestWorker): Promise<void> {
  const groups = await worker.query<{ chat: string }>("SELECT digest_chat_id AS chat FROM offices WHERE digest_chat_id IS NOT NULL AND digest_chat_id <> ''");
  for (const { chat } of groups) worker.fake.botChats.add(chat);
}

/** Loads a roster given as file texts (`{ offices, zones, people, schools }`) through a temporary folder, as seedRoster does. */
export async function seedRosterFiles(worker: TestWorker, files: Record<string, string>): Promise<void> {
  const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "duxue-roster-"));
  try {
    for (const [kind, text] of Object.entries(files)) writeFileSync(join(dir, `${kind}.csv`), text);
    await seedRoster(worker, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
