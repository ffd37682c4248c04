import { alertDeadMessages } from "../usecases/delivery-alerts.ts";
import type { Job } from "./types.ts";

/** Every 5 minutes, after the sweep: tells each office's admins about messages that died (at most once an hour). */
export const deliveryAlerts: Job = {
  name: "delivery_alerts",
  async run(services) {
    return `offices_alerted=${await alertDeadMessages(services)}`;
  },
};
