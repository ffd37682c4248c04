/** What the order card actions share: finding the order a button names and refusing strangers. */
import type { OrderRecord } from "../usecases/orders-read.ts";
import type { Actor } from "../domain/people.ts";
import type { OrderAction, Relation } from "../domain/orders.ts";
import { orderForAction as findForAction } from "../usecases/order-card-actions.ts";
import type { CardAnswer } from "../feishu/payloads.ts";
import type { ActionContext } from "./types.ts";

export const toast = (type: "info" | "success" | "warning" | "error", content: string): CardAnswer => ({ toast: { type, content } });

export function stringField(record: Record<string, unknown> | null | undefined, name: string): string {
  const value = record?.[name];
  if (typeof value === "string") return value.trim();
  if (Array.isArray(value) && typeof value[0] === "string") return value[0].trim();
  return "";
}

/**
 * The order named by the button, if the clicker may take `action` on it now.
 * Refusals come back as a toast; nothing is written.
 */
export async function orderForAction(
  ctx: ActionContext,
  action: OrderAction,
): Promise<{ ok: true; actor: Actor; order: OrderRecord; relation: Relation } | { ok: false; answer: CardAnswer }> {
  const { t } = ctx;
  if (!ctx.actor) return { ok: false, answer: toast("error", t.common.cardStranger) };
  const raw = ctx.value.number;
  if (typeof raw !== "string" || raw.length > 100) return { ok: false, answer: toast("error", t.common.cardExpired) };
  const found = await findForAction(ctx, { actor: ctx.actor, number: raw, action });
  if (!found.ok) {
    if (found.reason === "expired") return { ok: false, answer: toast("error", t.common.cardExpired) };
    if (found.reason === "stranger") return { ok: false, answer: toast("error", t.common.cardStranger) };
    const reason = found.refusal;
    const content = reason === "forbidden" ? t.common.cardStranger : t.orders.refusals[reason];
    return { ok: false, answer: toast(reason === "forbidden" ? "error" : reason === "already_acknowledged" ? "info" : "warning", content) };
  }
  return { ok: true, actor: ctx.actor, order: found.order, relation: found.relation };
}
