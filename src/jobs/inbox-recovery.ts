import { recoverInbox } from "../events/inbound.ts";
import type { Job } from "./types.ts";

/** Every minute: runs again each chat message whose work did not commit after its 200 (events/inbound.ts, db/inbox.ts). */
export const inboxRecovery: Job = {
  name: "inbox-recovery",
  async run(services) {
    const { recovered, deferred, expired } = await recoverInbox(services.env, services.nowMs, services.ref);
    return `recovered=${recovered} deferred=${deferred} expired=${expired}`;
  },
};
