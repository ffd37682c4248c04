/**
 * The one policy: who may do what, where. Every chat command and card action declares a `Policy` in its registry
 * entry (what it acts on, which roles may act, how far a manager's hand reaches); the dispatchers ask `mayStart`
 * before the handler runs, and a handler that has resolved its object (a school, zone, order, report, person) asks
 * `mayActOn` (through usecases/policy.ts, which reads the object's zone from storage) before it stores or sends anything.
 * Pure: no I/O.
 *
 * Rules:
 * - Roles: an admin may do what a manager may.
 * - Fail closed: in a deployment with offices, a manager or admin whose office is empty or unknown acts on nothing
 *   but themselves (`help`, `whoami`) until the city admin sets 督导室 (office_code) in people.csv.
 * - Reach of managers and admins: "scope" = objects of their own office and the offices below it; "top" = only the
 *   top (city) office's managers and admins (city-wide settings: the school calendar, number prefixes, special topics);
 *   "any" = no office rule (the command reads only what is the person's own or filters by scope itself).
 * - Supervisors act on their own schools and reports; school contacts on their own school.
 */
import { zoneInScope, type OfficeScope, type ZoneLike } from "./offices.ts";

export const POLICY_ROLES = ["supervisor", "manager", "admin", "school_contact"] as const;
export type PolicyRole = (typeof POLICY_ROLES)[number];

/** What a command or card action acts on. */
export type PolicyObject = "school" | "zone" | "order" | "report" | "person" | "office" | "setting" | "self";

export type Reach = "scope" | "top" | "any";

export interface Policy {
  acts: PolicyObject;
  /** who may use it ("everyone" = every person on the roster) */
  roles: readonly PolicyRole[] | "everyone";
  /** how far a manager's or admin's use reaches */
  reach: Reach;
  /** a stricter reach for changes (e.g. changing the calendar, not reading it), decided from the command's arguments */
  changes?: { reach: Reach; when(argv: readonly string[]): boolean };
}

export interface PolicyActor {
  code: string;
  role: PolicyRole;
  schoolCode: string | null;
  scope: OfficeScope;
  /** false: a manager or admin whose office is empty or unknown in a deployment with offices (omitted: valid) */
  officeValid?: boolean;
}

export type Refusal = "role" | "no_office" | "top_only" | "out_of_scope";

export const isManagerRole = (role: PolicyRole) => role === "manager" || role === "admin";

export function allowsRole(policy: Pick<Policy, "roles">, role: PolicyRole): boolean {
  if (policy.roles === "everyone") return true;
  return policy.roles.includes(role) || (role === "admin" && policy.roles.includes("manager"));
}

/** The reach that applies to this use: the stricter one when the arguments ask for a change. */
export function reachOf(policy: Policy, argv: readonly string[] = []): Reach {
  return policy.changes?.when(argv) ? policy.changes.reach : policy.reach;
}

/** Before the handler runs: may this person use it at all (role, a valid office, the top office for city-wide changes)? */
export function mayStart(policy: Policy, actor: PolicyActor, argv: readonly string[] = []): Refusal | null {
  if (!allowsRole(policy, actor.role)) return "role";
  if (!isManagerRole(actor.role) || policy.acts === "self") return null;
  if (actor.officeValid === false) return "no_office";
  if (reachOf(policy, argv) === "top" && !actor.scope.isTop) return "top_only";
  return null;
}

/** An object a handler acts on, as the policy needs it: its zone and the people it belongs to. */
export interface PolicyTarget {
  /** the zone of the school (or the zone itself); null when unknown (then only the top office reaches it) */
  zone: ZoneLike | null;
  schoolCode?: string | null;
  /** the school's nameplate supervisor or the report's visitor */
  supervisorCode?: string | null;
  /** a report's submitter */
  submittedBy?: string | null;
}

/** After the handler has found its object: may this person act on it? */
export function mayActOn(actor: PolicyActor, target: PolicyTarget): boolean {
  if (isManagerRole(actor.role)) {
    if (actor.officeValid === false) return false;
    if (actor.scope.districts === null) return true;
    return target.zone !== null && zoneInScope(actor.scope, target.zone);
  }
  if (actor.role === "supervisor") return target.supervisorCode === actor.code || target.submittedBy === actor.code;
  return actor.role === "school_contact" && !!target.schoolCode && target.schoolCode === actor.schoolCode;
}
