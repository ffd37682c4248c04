/**
 * The issuing form (sent when a manager types `督办` alone): the command's checks and issuing, once per form card.
 * The form's message id is claimed in the same batch as the orders, so a double click or a resent form finds it
 * taken (or, racing, fails the whole batch).
 */
import { checkIssue, issueChecked } from "./orders-issue-answers.ts";
import type { IssueRequest } from "./orders-issue.ts";
import type { Services } from "./services.ts";
import { claimStatement, isClaimed } from "../db/dedupe.ts";
import type { Actor } from "../db/people.ts";
import type { OrderKind } from "../db/schema.ts";
import type { Card } from "../feishu/cards/kit.ts";
import type { Messages } from "../i18n/index.ts";

export type IssueFormResult = { ok: true; kind: OrderKind; card: Card } | { ok: false; reason: "already-submitted" } | { ok: false; reason: "refused"; message: string };

/** `t`: the manager's language (the refusal and the issued card are theirs); `formMessageId`: the form card's message, when known. */
export async function issueFromForm(
  services: Services,
  t: Messages,
  input: { actor: Actor; formMessageId: string | undefined; request: Omit<IssueRequest, "scope"> },
): Promise<IssueFormResult> {
  const formKey = input.formMessageId ? `form:${input.formMessageId}` : null;
  if (formKey && (await isClaimed(services.d1, formKey))) return { ok: false, reason: "already-submitted" };
  const check = await checkIssue(services, t, { ...input.request, scope: input.actor.scope });
  if (!check.ok) return { ok: false, reason: "refused", message: check.message };
  if (formKey) services.uow.write(claimStatement(services.d1, [formKey], services.nowMs));
  const card = await issueChecked(services, t, input.actor.code, check);
  return { ok: true, kind: check.kind, card };
}
