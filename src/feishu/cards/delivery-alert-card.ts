import { OUTBOX_RETRY_ACTION } from "../../actions/outbox-retry.ts";
import type { Messages } from "../../i18n/index.ts";
import { button, card, escapeMarkdown, markdown, type Card } from "./kit.ts";

/** What one office's admins are told about the messages that died since their last alert. */
export interface DeliveryAlert {
  total: number;
  /** Feishu 230013: who is outside the app's availability range (roster names, or the open_id when not in the roster) */
  unavailable: { count: number; names: string[] };
  expired: number;
  unsure: number;
  /** refused by Feishu for another reason, with one of the errors */
  rejected: { count: number; sample: string | null };
  /** the newest of these rows: the retry button re-queues dead rows up to it */
  maxId: number;
}

const LISTED_NAMES = 20;

/** The admins' alert: how many messages died and why, who is outside the availability range, and the retry button. */
export function deliveryAlertCard(t: Messages, alert: DeliveryAlert): Card {
  const d = t.delivery;
  const lines: string[] = [];
  if (alert.unavailable.count) {
    const names = alert.unavailable.names.slice(0, LISTED_NAMES).map(escapeMarkdown).join("、");
    const more = alert.unavailable.names.length - LISTED_NAMES;
    lines.push(d.alertUnavailable(alert.unavailable.count, more > 0 ? d.alertMoreNames(names, more) : names));
  }
  if (alert.expired) lines.push(d.alertExpired(alert.expired));
  if (alert.unsure) lines.push(d.alertUnsure(alert.unsure));
  if (alert.rejected.count) lines.push(d.alertRejected(alert.rejected.count, escapeMarkdown((alert.rejected.sample ?? "-").slice(0, 200))));
  return card({
    title: d.alertTitle(alert.total),
    template: "red",
    elements: [
      markdown(`${d.alertIntro}\n${lines.join("\n")}`),
      button({ text: d.retryButton(alert.total), type: "primary", value: { action: OUTBOX_RETRY_ACTION, maxId: alert.maxId } }),
      markdown(d.alertFooter),
    ],
  });
}
