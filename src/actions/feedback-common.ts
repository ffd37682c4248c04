/** What the feedback card actions share: the feedback a button names, refused to anyone but its school's supervisor and the managers in scope. */
import type { FeedbackRecord } from "../usecases/feedback-handling.ts";
import type { Actor } from "../domain/people.ts";
import { feedbackRecordCard } from "../usecases/feedback.ts";
import { feedbackForActor } from "../usecases/feedback-handling.ts";
import type { Card } from "../feishu/cards/kit.ts";
import type { CardAnswer } from "../feishu/payloads.ts";
import { toast } from "./order-common.ts";
import type { Policy } from "../domain/policy.ts";
import type { ActionContext, AnswerAfterCommit, CardActionHandler } from "./types.ts";

export async function feedbackForAction(ctx: ActionContext): Promise<{ ok: true; actor: Actor; feedback: FeedbackRecord } | { ok: false; answer: CardAnswer }> {
  const { t } = ctx;
  if (!ctx.actor) return { ok: false, answer: toast("error", t.common.cardStranger) };
  const reference = ctx.value.ref;
  if (typeof reference !== "string" || reference.length > 40) return { ok: false, answer: toast("error", t.common.cardExpired) };
  const found = await feedbackForActor(ctx, ctx.actor, reference);
  if (!found.ok) return { ok: false, answer: toast("error", found.reason === "expired" ? t.common.cardExpired : t.common.cardStranger) };
  return { ok: true, actor: ctx.actor, feedback: found.feedback };
}

export function cardOf(ctx: Pick<ActionContext, "t" | "config">, feedback: FeedbackRecord): Card {
  return feedbackRecordCard(ctx.t, ctx.config.TIMEZONE, feedback);
}

/** Who may act on a public feedback: its school's supervisor and the managers in scope (never the school's contact). */
const FEEDBACK_POLICY: Policy = { acts: "school", roles: ["supervisor", "manager", "admin"], reach: "scope" };

/** A feedback card button: the policy and the lookup above, then `run` with the feedback and who pressed. */
export function feedbackAction(
  name: string,
  run: (ctx: ActionContext, found: { feedback: FeedbackRecord; actor: Actor }) => Promise<CardAnswer | AnswerAfterCommit>,
): CardActionHandler {
  return {
    name,
    policy: FEEDBACK_POLICY,
    async run(ctx) {
      const found = await feedbackForAction(ctx);
      return found.ok ? run(ctx, found) : found.answer;
    },
  };
}
