/** The confirm / keep buttons of a people.csv import that leaves people out (events/roster-file.ts); the decision: usecases/roster-deactivation.ts. */
import { ROSTER_DEACTIVATE_ACTION } from "../feishu/cards/roster-card.ts";
import { noteCard } from "../feishu/cards/order-card.ts";
import { decideDeactivation } from "../usecases/roster-deactivation.ts";
import { toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

/**
 * `roster_deactivate` ({ at, hash, decision }): the importing admin (or an admin of the top office) confirms
 * or discards. Confirmed, the listed people become inactive (answered as not on the roster, history kept)
 * unless that would leave the top office without an administrator. Decided once: a second click is told so.
 */
export const rosterDeactivate: CardActionHandler = {
  name: ROSTER_DEACTIVATE_ACTION,
  policy: { acts: "person", roles: ["admin"], reach: "scope" },
  async run(ctx) {
    const { t, actor } = ctx;
    if (!actor || actor.role !== "admin") return toast("error", t.common.cardStranger);
    const { at, hash, decision } = ctx.value;
    if (!Number.isSafeInteger(at) || typeof hash !== "string" || !/^[0-9a-f]{16}$/.test(hash) || (decision !== "confirm" && decision !== "discard"))
      return toast("error", t.common.cardExpired);
    const confirm = decision === "confirm";
    const result = await decideDeactivation(ctx, { actor, at: at as number, hash, confirm });
    const names = (people: { name: string; code: string }[]) => people.map((person) => `${person.name}（${person.code}）`).join(t.common.and);
    if (!result.ok) {
      if (result.reason === "expired") return toast("error", t.common.cardExpired);
      if (result.reason === "stranger") return toast("error", t.common.cardStranger);
      if (result.reason === "gone") return toast("info", t.offices.deactivateGone);
      if (result.reason === "out-of-scope") return toast("error", t.offices.deactivateOutOfScope(names(result.people)));
      return toast("error", t.offices.lastTopAdmin(names(result.admins)));
    }
    const content = confirm ? t.offices.deactivated(result.count) : t.offices.deactivateDiscarded;
    return {
      afterCommit: () =>
        result.decided.held
          ? { ...toast("success", content), card: { type: "raw", data: noteCard(t.offices.deactivateTitle(result.count), content, confirm ? "grey" : "green") } }
          : toast("info", t.offices.deactivateGone),
    };
  },
};
