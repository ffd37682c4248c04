/**
 * Issuing orders: `order`/`督办`, `notice`/`督导通知`, `bulletin`/`通报`, `rectify`/`整改`
 * `<schools> <due> <text>`. Without arguments: the issuing form. `order <number>` shows an order.
 */
import type { OrderKind } from "../domain/orders.ts";
import { looksLikeOrderNumber } from "../domain/orders.ts";
import { parseDate } from "../domain/time.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { issueFormCard } from "../feishu/cards/order-card.ts";
import { showOrder } from "./order-show.ts";
import { checkIssue, issueChecked } from "../usecases/orders-issue-answers.ts";
import { MANAGERS, type Command } from "./types.ts";


/** `<schools> <due> <text>`: the schools run up to the first word that reads as a date (so "SCH001, SCH002" may hold spaces). */
export function splitIssueArgs(argv: readonly string[], nowMs: number, timeZone: string): { schools: string; due: string; text: string } | null {
  for (let i = 1; i < argv.length; i++) {
    if (parseDate(argv[i]!, nowMs, timeZone)) return { schools: argv.slice(0, i).join(" "), due: argv[i]!, text: argv.slice(i + 1).join(" ") };
  }
  if (argv.length >= 2) return { schools: argv[0]!, due: argv[1]!, text: argv.slice(2).join(" ") };
  return null;
}

const showsOrder = (argv: readonly string[]) => argv.length > 0 && argv.length <= 3 && looksLikeOrderNumber(argv.join(""));

function issueCommand(kind: OrderKind, name: string, aliases: readonly string[]): Command {
  return {
    name,
    aliases,
    policy: { acts: "school", roles: MANAGERS, reach: "scope" },
    help: (t) => t.orders.issueLines[kind],
    private: (argv) => kind === "order" && showsOrder(argv),
    async run(ctx) {
      const { t } = ctx;
      if (ctx.argv.length === 0) {
        ctx.reply(issueFormCard(t, kind));
        return;
      }
      if (kind === "order" && showsOrder(ctx.argv)) {
        await showOrder(ctx, ctx.argv);
        return;
      }
      const parts = splitIssueArgs(ctx.argv, ctx.nowMs, ctx.config.TIMEZONE);
      if (!parts) {
        ctx.reply(textContent(t.orders.usage(aliases[0] ?? name)));
        return;
      }
      const check = await checkIssue(ctx, t, { kind, ...parts, scope: ctx.actor.scope });
      if (!check.ok) {
        ctx.reply(textContent(`${check.message}\n${t.orders.usage(aliases[0] ?? name)}`));
        return;
      }
      ctx.reply(await issueChecked(ctx, t, ctx.actor.code, check));
    },
  };
}

export const orderIssue = issueCommand("order", "order", ["督办"]);
export const noticeIssue = issueCommand("notice", "notice", ["督导通知"]);
export const bulletinIssue = issueCommand("bulletin", "bulletin", ["通报", "督导通报"]);
export const rectifyIssue = issueCommand("rectification", "rectify", ["整改", "整改通知"]);
