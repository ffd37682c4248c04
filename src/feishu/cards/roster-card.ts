import type { DeactivationRow } from "../../domain/roster.ts";
import type { Messages } from "../../i18n/index.ts";
import { button, card, columns, escapeMarkdown, markdown, type Card } from "./kit.ts";

export const ROSTER_DEACTIVATE_ACTION = "roster_deactivate";
const LISTED = 30;

/** Who a people.csv leaves out, with their open orders and planned visits, and the confirm / keep buttons. */
export function deactivationCard(t: Messages, fileName: string, rows: readonly DeactivationRow[], ref: { at: number; hash: string }): Card {
  const o = t.offices;
  const lines = rows.slice(0, LISTED).map((row) => o.deactivateLine(escapeMarkdown(row.name), escapeMarkdown(row.code), o.roles[row.role] ?? row.role, row.orders, row.visits));
  if (rows.length > LISTED) lines.push(o.deactivateMore(rows.length - LISTED));
  const value = (decision: "confirm" | "discard") => ({ action: ROSTER_DEACTIVATE_ACTION, at: ref.at, hash: ref.hash, decision });
  return card({
    title: o.deactivateTitle(rows.length),
    template: "orange",
    elements: [
      markdown(`${o.deactivateIntro(escapeMarkdown(fileName), rows.length)}\n${lines.join("\n")}`),
      columns([
        [button({ text: o.deactivateConfirm, type: "danger", value: value("confirm") })],
        [button({ text: o.deactivateCancel, value: value("discard") })],
      ]),
    ],
  });
}
