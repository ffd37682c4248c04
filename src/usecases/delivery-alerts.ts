/**
 * Telling an office's administrators that messages died (issue #23): one card per office at most once
 * an hour, listing how many died since the last one and why, naming who is outside the app's
 * availability range (Feishu 230013), with the retry button of `发送状态`. Queued on `services.uow`.
 */
import type { Services } from "./services.ts";
import { loadOffices } from "../db/offices.ts";
import { activeAdmins, ALERT_KEY_PREFIX, deadMessagesSince, lastAlerts, type DeadMessage } from "../delivery/alerts.ts";
import { deathCause } from "../delivery/give-up.ts";
import { deliveryAlertCard, type DeliveryAlert } from "../feishu/cards/delivery-alert-card.ts";
import { messages } from "../i18n/index.ts";

/** at most one alert per office in this time */
export const ALERT_EVERY_MS = 60 * 60 * 1000;
/** deaths older than this (before the first alert of an office) are not reported */
const LOOK_BACK_MS = 24 * 60 * 60 * 1000;

/** Sums up one office's dead messages (pure). */
export function summarise(rows: readonly DeadMessage[]): DeliveryAlert {
  const alert: DeliveryAlert = { total: rows.length, unavailable: { count: 0, names: [] }, expired: 0, unsure: 0, rejected: { count: 0, sample: null }, maxId: 0 };
  for (const row of rows) {
    alert.maxId = Math.max(alert.maxId, row.id);
    const cause = deathCause(row.lastError);
    if (cause === "unavailable") {
      alert.unavailable.count++;
      const name = row.personName ?? row.receiveId ?? "-";
      if (!alert.unavailable.names.includes(name)) alert.unavailable.names.push(name);
    } else if (cause === "expired") alert.expired++;
    else if (cause === "unsure") alert.unsure++;
    else {
      alert.rejected.count++;
      alert.rejected.sample ??= row.lastError;
    }
  }
  return alert;
}

/** Queues the alerts due now; returns how many offices were alerted. */
export async function alertDeadMessages(services: Services): Promise<number> {
  const { d1, nowMs } = services;
  const lookBack = nowMs - LOOK_BACK_MS;
  const [last, dead] = await Promise.all([lastAlerts(d1, lookBack), deadMessagesSince(d1, lookBack, nowMs)]);
  if (dead.length === 0) return 0;
  const offices = await loadOffices(services.db);
  const known = new Map(offices.map((office) => [office.code, office]));
  // '' stands for the top office (and anything not in the offices table)
  const officeOf = (code: string) => (known.get(code)?.parentCode ? code : "");

  const byOffice = new Map<string, DeadMessage[]>();
  for (const row of dead) {
    const office = officeOf(row.office);
    if (row.updatedAt <= (last.get(office) ?? lookBack)) continue;
    byOffice.set(office, [...(byOffice.get(office) ?? []), row]);
  }
  const due = [...byOffice].filter(([office]) => nowMs - (last.get(office) ?? 0) >= ALERT_EVERY_MS);
  if (due.length === 0) return 0;

  const admins = await activeAdmins(d1);
  const adminsOf = (office: string) => {
    const own = admins.filter((admin) => officeOf(admin.office) === office);
    if (office !== "" && own.length) return own;
    // the top office's admins (and the bootstrap ADMIN_OPEN_IDS) hear about offices without admins of their own
    const top = admins.filter((admin) => officeOf(admin.office) === "");
    return [...top, ...services.config.ADMIN_OPEN_IDS.filter((openId) => !top.some((admin) => admin.openId === openId)).map((openId) => ({ openId, lang: "zh", office: "" }))];
  };
  for (const [office, rows] of due) {
    const alert = summarise(rows);
    for (const admin of adminsOf(office)) {
      services.uow.send({
        key: `${ALERT_KEY_PREFIX}${encodeURIComponent(office)}:${nowMs}:${admin.openId}`,
        to: { openId: admin.openId },
        msgType: "interactive",
        content: deliveryAlertCard(messages(admin.lang), alert),
      });
    }
  }
  return due.length;
}
