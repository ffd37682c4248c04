import type { Services } from "../commands/types.ts";
import type { Actor } from "../domain/people.ts";
import type { CardAnswer } from "../feishu/payloads.ts";
import type { Messages } from "../i18n/index.ts";
import type { Policy } from "../domain/policy.ts";

export interface ActionContext extends Services {
  /** null when the clicker is not on the roster: most actions refuse them */
  actor: Actor | null;
  operatorOpenId: string;
  t: Messages;
  /** the button's callback value (its `action` field names the handler) */
  value: Record<string, unknown>;
  /** a form's fields by component name, when a form was submitted */
  formValue: Record<string, unknown> | null;
  /** the callback token for a delayed card update */
  callbackToken: string | undefined;
  openMessageId: string | undefined;
  eventId: string;
}

/** An answer that depends on how the commit went (e.g. whether a guarded change won a race); chosen after it. */
export interface AnswerAfterCommit {
  afterCommit: () => CardAnswer;
}

/** One card action per file; answers synchronously with a toast and/or a new card. */
export interface CardActionHandler {
  name: string;
  /** who may do what, where (domain/policy.ts), checked before `run`; every registry entry must declare one */
  policy?: Policy;
  /** the handler's own "not for your role" answer (default: the card is not for you) */
  roleRefusal?(t: Messages): string;
  run(ctx: ActionContext): Promise<CardAnswer | AnswerAfterCommit>;
}
