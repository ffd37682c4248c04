import type { Services } from "../commands/types.ts";
import type { Actor } from "../db/people.ts";
import type { CardAnswer } from "../feishu/payloads.ts";
import type { Messages } from "../i18n/index.ts";

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
  run(ctx: ActionContext): Promise<CardAnswer | AnswerAfterCommit>;
}
