import { button, card, escapeMarkdown, markdown } from "../feishu/cards/kit.ts";
import type { Messages } from "../i18n/index.ts";
import { OUTBOX_RETRY_ACTION } from "../actions/outbox-retry.ts";
import { localDateTime } from "../domain/time.ts";
import { MANAGERS, type Command } from "./types.ts";
import { outboxInScopeSql, outboxScopeParams } from "../db/offices.ts";

const STATES = ["pending", "sending", "sent", "failed", "dead"] as const;
type State = (typeof STATES)[number];
const LAST_ERRORS = 8;

/** The status card: counts by state, the last errors, and a retry button when messages are dead. */
export function outboxCard(
  t: Messages,
  counts: Partial<Record<State, number>>,
  errors: { state: State; ref: string | null; attempts: number; updated_at: number; last_error: string | null }[],
  dead: { count: number; maxId: number },
  timeZone: string,
) {
  const d = t.delivery;
  const total = STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
  const parts = STATES.map((state) => `${d.states[state]} ${counts[state] ?? 0}`).join(" · ");
  const elements = [markdown(total ? d.counts(parts) : d.nothingYet)];
  if (errors.length) {
    const lines = errors.map((row) =>
      d.errorLine({
        state: d.states[row.state],
        ref: escapeMarkdown(row.ref ?? "-"),
        attempts: row.attempts,
        at: localDateTime(row.updated_at, timeZone),
        error: escapeMarkdown((row.last_error ?? "").slice(0, 200)),
      }),
    );
    elements.push(markdown(`${d.lastErrors}\n${lines.join("\n")}`));
  } else if (total) {
    elements.push(markdown(d.noErrors));
  }
  if (dead.count > 0) {
    elements.push(markdown(d.retryHint));
    elements.push(button({ text: d.retryButton(dead.count), type: "primary", value: { action: OUTBOX_RETRY_ACTION, maxId: dead.maxId } }));
  }
  return card({ title: d.title, template: dead.count > 0 ? "orange" : "blue", elements });
}

/** `发送状态` / `outbox` (managers): how delivery is going, in 2 D1 queries. */
export const outbox: Command = {
  name: "outbox",
  aliases: ["发送状态", "发送情况", "delivery"],
  private: true,
  policy: { acts: "office", roles: MANAGERS, reach: "scope" },
  help: (t) => t.delivery.outboxLine,
  async run(ctx) {
    const [byState, errors] = await ctx.d1.batch<Record<string, unknown>>([
      ctx.d1
        .prepare(`SELECT state, COUNT(*) AS n, MAX(CASE WHEN state = 'dead' THEN id END) AS max_id FROM outbox WHERE ${outboxInScopeSql(1)} GROUP BY state`)
        .bind(...outboxScopeParams(ctx.actor.scope)),
      ctx.d1
        .prepare(
          `SELECT state, ref, attempts, updated_at, last_error FROM outbox WHERE last_error IS NOT NULL AND state IN ('failed', 'dead') AND ${outboxInScopeSql(1)}
           ORDER BY updated_at DESC, id DESC LIMIT ?4`,
        )
        .bind(...outboxScopeParams(ctx.actor.scope), LAST_ERRORS),
    ]);
    const counts: Partial<Record<State, number>> = {};
    let maxDeadId = 0;
    for (const row of (byState?.results ?? []) as { state: State; n: number; max_id: number | null }[]) {
      counts[row.state] = row.n;
      if (row.state === "dead") maxDeadId = row.max_id ?? 0;
    }
    ctx.reply(
      outboxCard(
        ctx.t,
        counts,
        (errors?.results ?? []) as Parameters<typeof outboxCard>[2],
        { count: counts.dead ?? 0, maxId: maxDeadId },
        ctx.config.TIMEZONE,
      ),
    );
  },
};
