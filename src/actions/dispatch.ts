import type { Services } from "../commands/types.ts";
import { identify } from "../usecases/identity.ts";
import { cardActionSchema, type CardAnswer } from "../feishu/payloads.ts";
import { messages } from "../i18n/index.ts";
import { findCardAction, policyOfAction } from "./index.ts";
import { refusalToStart } from "../usecases/policy.ts";
import type { AnswerAfterCommit } from "./types.ts";

/** Above every form field's own limit (the longest is 2,000 characters): refused before any handler works on it. */
export const MAX_FIELD_CHARS = 4_000;
const MAX_FIELDS = 200;

function withinInputLimits(values: Record<string, unknown> | null | undefined): boolean {
  if (!values) return true;
  const entries = Object.entries(values);
  if (entries.length > MAX_FIELDS) return false;
  return entries.every(([key, value]) => {
    if (key.length > 100) return false;
    if (typeof value === "string") return value.length <= MAX_FIELD_CHARS;
    if (Array.isArray(value)) return value.length <= MAX_FIELDS && value.every((item) => typeof item !== "string" || item.length <= MAX_FIELD_CHARS);
    return true;
  });
}

/** `card.action.trigger`: finds the handler named by the button's value and runs it; the answer goes back synchronously. */
export async function dispatchCardAction(services: Services, eventId: string, event: unknown): Promise<{ answer: CardAnswer | AnswerAfterCommit; outcome: string }> {
  const parsed = cardActionSchema.safeParse(event);
  const zh = messages("zh");
  if (!parsed.success) return { answer: { toast: { type: "error", content: zh.common.cardExpired } }, outcome: "bad_event" };
  const { operator, action, token, context } = parsed.data;
  const name = typeof action.value?.action === "string" ? action.value.action : "";
  const handler = findCardAction(name);
  const actor = await identify(services, operator.open_id);
  const t = messages(actor?.lang);
  if (!handler) return { answer: { toast: { type: "error", content: t.common.cardExpired } }, outcome: "unknown_action" };
  if (!actor) return { answer: { toast: { type: "error", content: t.common.notRegistered("") } }, outcome: `${name}:not_registered` };
  if (!withinInputLimits(action.value) || !withinInputLimits(action.form_value)) return { answer: { toast: { type: "error", content: t.common.inputTooLong } }, outcome: `${name}:too_long` };
  // The one policy (domain/policy.ts): role and a valid office, before the handler reads or writes anything.
  const refusal = await refusalToStart(services, t, policyOfAction(handler), actor, [], { name, roleRefusal: handler.roleRefusal?.(t) ?? t.common.cardStranger });
  if (refusal) return { answer: { toast: { type: "error", content: refusal } }, outcome: `${name}:refused` };
  const answer = await handler.run({
    ...services,
    actor,
    operatorOpenId: operator.open_id,
    t,
    value: action.value ?? {},
    formValue: action.form_value ?? null,
    callbackToken: token,
    openMessageId: context?.open_message_id,
    eventId,
  });
  return { answer, outcome: name };
}
