import type { Actor } from "../domain/people.ts";
import type { Role } from "../domain/people.ts";
import type { BatchCondition } from "../delivery/outbox.ts";
import type { Card } from "../feishu/cards/kit.ts";
import type { Messages } from "../i18n/index.ts";
import type { Policy, PolicyRole } from "../domain/policy.ts";

export type { Services } from "../usecases/services.ts";
import type { Services } from "../usecases/services.ts";

export interface IncomingChat {
  messageId: string;
  chatId: string;
  chatType: "p2p" | "group" | string;
  /** answers go to this person's direct chat (a private command asked in a group) */
  directTo?: string;
}

export interface CommandContext extends Services {
  actor: Actor;
  t: Messages;
  chat: IncomingChat;
  /** the text after the command word, normalised */
  args: string;
  argv: string[];
  /** queue a reply to the chat the command came from (committed with the handler's writes; with `onlyIf`, only if that holds then) */
  reply(content: { text: string } | Card, onlyIf?: BatchCondition): void;
  /** queue a file (`{ file_name, csv }` or `{ file_name, xlsx_base64 }`) to where the answers go: the asker's direct chat when the command is private */
  replyFile(key: string, content: { file_name: string; csv: string } | { file_name: string; xlsx_base64: string } | { file_name: string; docx_base64: string }): void;
  /** queue a card to the asker's own direct chat, wherever the command was asked (`key`: its outbox key) */
  replyToAsker(key: string, content: Card): void;
}

export interface Command {
  /** canonical English name, shown in help */
  name: string;
  /** other names, Chinese first */
  aliases: readonly string[];
  /**
   * Who may do what, where (domain/policy.ts): what it acts on, which roles may use it, how far a manager's use
   * reaches. Checked before `run`; every registry entry must declare one (test/unit/policy.test.ts).
   */
  policy?: Policy;
  /** @deprecated declare `policy.roles`; read only for an entry without a policy */
  roles?: readonly Role[];
  /** @deprecated declare `policy.reach`; read only for an entry without a policy */
  officeScoped?: boolean;
  /** one help line: usage and what it does, in the reader's language */
  help(t: Messages): string;
  /**
   * Its answers name people's schedules, an order's history, lists of orders, exports or delivery
   * state: asked in a group, it answers the asker by direct message and the group gets one short line.
   * A function decides from the arguments (`order <number>` shows an order; `order <schools> …` issues one).
   */
  private?: boolean | ((argv: readonly string[]) => boolean);
  run(ctx: CommandContext): Promise<void>;
}

export const MANAGERS: readonly PolicyRole[] = ["manager", "admin"];
export const SUPERVISORS_AND_MANAGERS: readonly PolicyRole[] = ["supervisor", "manager", "admin"];
