import { button, card, escapeMarkdown, markdown } from "../feishu/cards/kit.ts";
import type { Messages } from "../i18n/index.ts";
import { OUTBOX_RETRY_ACTION } from "../actions/outbox-retry.ts";
import { localDateTime } from "../domain/time.ts";
import { MANAGERS, type Command } from "./types.ts";
import { OUTBOX_STATES, type OutboxErrorRow, type OutboxState } from "../usecases/outbox-status.ts";
import { deliveryStatus } from "../usecases/outbox-status.ts";

const STATES = OUTBOX_STATES;
type State = OutboxState;

/** The status card: counts by state, the last errors, and a retry button when messages are dead. */
export function outboxCard(
  t: Messages,
  counts: Partial<Record<State, number>>,
  errors: OutboxErrorRow[],
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
    const status = await deliveryStatus(ctx, ctx.actor);
    ctx.reply(outboxCard(ctx.t, status.counts, status.errors, { count: status.counts.dead ?? 0, maxId: status.maxDeadId }, ctx.config.TIMEZONE));
  },
};
