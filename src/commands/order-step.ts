/** What `close`, `reopen` and `cancel` share: the order named, the note, the guarded transition, the school told. */
import { recipientsOfOrder } from "../db/orders.ts";
import { notifyChange, queueTransition } from "../usecases/orders.ts";
import { MAX_NOTE_TEXT, transition } from "../domain/orders.ts";
import { localDate } from "../domain/time.ts";
import { escapeMarkdown, textContent, type HeaderTemplate } from "../feishu/cards/kit.ts";
import { orderCard } from "../feishu/cards/order-card.ts";
import type { Messages } from "../i18n/index.ts";
import { orderFromArgs } from "./order-show.ts";
import type { CommandContext } from "./types.ts";

export interface ManagerStep {
  action: "close" | "reopen" | "cancel";
  /** the audit trail's action */
  event: string;
  usage: (t: Messages) => string;
  noteRequired: boolean;
  /** columns set with the status (the time is the command's) */
  set?: (nowMs: number) => Record<string, number | null>;
  /** the card the school's supervisor and contacts get; `note` is escaped */
  card: (t: Messages, number: string, note: string) => { title: string; intro: string; template?: HeaderTemplate; actions?: boolean };
  answer: (t: Messages, number: string) => string;
}

/** `<command> <number> [note]`: refusals answered, nothing written; otherwise the change, its audit row and the cards in one unit of work. */
export async function runManagerStep(ctx: CommandContext, step: ManagerStep): Promise<void> {
  const { t } = ctx;
  const found = await orderFromArgs(ctx, ctx.argv, step.usage(t));
  if (!found) return;
  const { order } = found;
  const note = found.rest.join(" ").trim();
  if (step.noteRequired && !note) return ctx.reply(textContent(step.usage(t)));
  if (note.length > MAX_NOTE_TEXT) return ctx.reply(textContent(t.orders.noteTooLong(MAX_NOTE_TEXT)));
  const next = transition(step.action, order.status, "manager", order.kind);
  if (!next.ok) return ctx.reply(textContent(`${order.number}：${t.orders.refusals[next.reason]}`));
  const applied = queueTransition(ctx, order, { to: next.to, actorCode: ctx.actor.code, action: step.event, note: note || null, set: step.set?.(ctx.nowMs) });
  const timeZone = ctx.config.TIMEZONE;
  const today = localDate(ctx.nowMs, timeZone);
  const after = { ...order, status: next.to };
  const recipients = await recipientsOfOrder(ctx.d1, order);
  notifyChange(ctx, order, recipients, (pt) => orderCard(pt, after, { today, timeZone, ...step.card(pt, order.number, escapeMarkdown(note)) }), applied);
  ctx.reply(textContent(step.answer(t, order.number)), applied);
  ctx.reply(textContent(t.orders.changedMeanwhile(order.number)), { ...applied, absent: true });
}
