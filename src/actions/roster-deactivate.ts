/** The confirm / keep buttons of a people.csv import that leaves people out (events/roster-file.ts). */
import { findPendingImport, loadStoredRoster } from "../db/roster-imports.ts";
import { personInScope, topAdmins } from "../roster/review.ts";
import { ROSTER_DEACTIVATE_ACTION } from "../feishu/cards/roster-card.ts";
import { noteCard } from "../feishu/cards/order-card.ts";
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
    const pending = await findPendingImport(ctx.d1, at as number, hash);
    if (!pending) return toast("error", t.common.cardExpired);
    if (pending.actorCode !== actor.code && !actor.scope.isTop) return toast("error", t.common.cardStranger);
    if (pending.status !== "pending") return toast("info", t.offices.deactivateGone);
    let codes: string[] = [];
    try {
      const parsed: unknown = JSON.parse(pending.pendingCodes ?? "[]");
      if (Array.isArray(parsed)) codes = parsed.filter((code): code is string => typeof code === "string");
    } catch {
      codes = [];
    }
    const { d1, nowMs } = ctx;
    const confirm = decision === "confirm";
    if (confirm) {
      const roster = await loadStoredRoster(d1);
      // checked again now, against the roster as it is: nobody outside the confirming admin's scope (a higher office's person, one moved away since)
      const outside = codes.map((code) => roster.people.get(code)).filter((person) => person && !personInScope(actor.scope, person, roster));
      if (outside.length > 0) return toast("error", t.offices.deactivateOutOfScope(outside.map((person) => `${person!.name}（${person!.code}）`).join(t.common.and)));
      const admins = topAdmins([...roster.people.values()], [], new Set(codes), roster.offices);
      if (admins.before.length > 0 && admins.after.length === 0)
        return toast("error", t.offices.lastTopAdmin(admins.before.map((admin) => `${admin.name}（${admin.code}）`).join(t.common.and)));
    }
    ctx.uow.write(
      d1
        .prepare("UPDATE roster_imports SET status = ?1, deactivated = ?2, decided_by = ?3, decided_at = ?4 WHERE id = ?5 AND status = 'pending'")
        .bind(confirm ? "confirmed" : "discarded", confirm ? codes.length : 0, actor.code, nowMs, pending.id),
    );
    if (confirm) {
      ctx.uow.write(
        d1
          .prepare(
            `UPDATE people SET active = 0, updated_at = ?1 WHERE code IN (SELECT value FROM json_each(?2)) AND active = 1
             AND EXISTS (SELECT 1 FROM roster_imports WHERE id = ?3 AND status = 'confirmed' AND decided_by = ?4 AND decided_at = ?1)`,
          )
          .bind(nowMs, JSON.stringify(codes), pending.id, actor.code),
      );
    }
    const decided = ctx.uow.probe({ sql: "SELECT 1 FROM roster_imports WHERE id = ? AND decided_by = ? AND decided_at = ?", params: [pending.id, actor.code, nowMs] });
    const content = confirm ? t.offices.deactivated(codes.length) : t.offices.deactivateDiscarded;
    return {
      afterCommit: () =>
        decided.held
          ? { ...toast("success", content), card: { type: "raw", data: noteCard(t.offices.deactivateTitle(codes.length), content, confirm ? "grey" : "green") } }
          : toast("info", t.offices.deactivateGone),
    };
  },
};
