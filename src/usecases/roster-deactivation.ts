/**
 * The deactivations a people.csv import leaves pending (events/roster-file.ts): the importing admin (or an admin
 * of the top office) confirms or discards. Confirmed, the listed people become inactive (history kept) unless
 * one of them is outside the confirming admin's scope or it would leave the top office without an administrator.
 * Decided once: a second decision changes nothing.
 */
import type { Services } from "./services.ts";
import type { Actor } from "../db/people.ts";
import { deactivateConfirmedStatement, decideImportStatement, findPendingImport, importDecided, loadStoredRoster } from "../db/roster-imports.ts";
import type { Probe } from "../delivery/outbox.ts";
import { personInScope, topAdmins } from "../roster/review.ts";

export interface DeactivationInput {
  actor: Actor;
  /** the import's time and the first 16 hex digits of its file's hash, as on the card */
  at: number;
  hash: string;
  confirm: boolean;
}

type Named = { name: string; code: string };

export type DeactivationResult =
  | { ok: true; count: number; /** held once committed: this decision is the one recorded */ decided: Probe }
  | { ok: false; reason: "expired" }
  | { ok: false; reason: "stranger" }
  | { ok: false; reason: "gone" }
  | { ok: false; reason: "out-of-scope"; people: Named[] }
  | { ok: false; reason: "last-top-admin"; admins: Named[] };

export async function decideDeactivation(services: Services, input: DeactivationInput): Promise<DeactivationResult> {
  const { actor, confirm } = input;
  const { d1, nowMs } = services;
  const pending = await findPendingImport(d1, input.at, input.hash);
  if (!pending) return { ok: false, reason: "expired" };
  if (pending.actorCode !== actor.code && !actor.scope.isTop) return { ok: false, reason: "stranger" };
  if (pending.status !== "pending") return { ok: false, reason: "gone" };
  let codes: string[] = [];
  try {
    const parsed: unknown = JSON.parse(pending.pendingCodes ?? "[]");
    if (Array.isArray(parsed)) codes = parsed.filter((code): code is string => typeof code === "string");
  } catch {
    codes = [];
  }
  if (confirm) {
    const roster = await loadStoredRoster(d1);
    // checked again now, against the roster as it is: nobody outside the confirming admin's scope (a higher office's person, one moved away since)
    const outside = codes.map((code) => roster.people.get(code)).filter((person) => person && !personInScope(actor.scope, person, roster));
    if (outside.length > 0) return { ok: false, reason: "out-of-scope", people: outside.map((person) => ({ name: person!.name, code: person!.code })) };
    const admins = topAdmins([...roster.people.values()], [], new Set(codes), roster.offices);
    if (admins.before.length > 0 && admins.after.length === 0) return { ok: false, reason: "last-top-admin", admins: admins.before.map((admin) => ({ name: admin.name, code: admin.code })) };
  }
  services.uow.write(decideImportStatement(d1, pending.id, confirm, codes.length, actor.code, nowMs));
  if (confirm) services.uow.write(deactivateConfirmedStatement(d1, pending.id, codes, actor.code, nowMs));
  return { ok: true, count: codes.length, decided: services.uow.probe(importDecided(pending.id, actor.code, nowMs)) };
}
