/**
 * The policy's use case: resolves the object a command or card action acts on to its zone (from storage) and asks
 * the pure policy (domain/policy.ts). Handlers call this, never their own scope checks; a refusal changes nothing.
 */
import type { Services } from "./services.ts";
import { personInScope, schoolPolicyFacts, schoolsOutsideScope, topOfficeName } from "../db/offices.ts";
import type { OfficeScope } from "../domain/offices.ts";
import type { Actor } from "../db/people.ts";
import { mayActOn, mayStart, type Policy, type PolicyTarget } from "../domain/policy.ts";
import type { Messages } from "../i18n/index.ts";

/**
 * Before a handler runs: null when the actor may start it, else the refusal to answer (in the actor's language).
 * `label` names the command in refusals; `roleRefusal` is the handler's own "not for your role" text.
 */
export async function refusalToStart(
  services: Pick<Services, "d1">,
  t: Messages,
  policy: Policy,
  actor: Actor,
  argv: readonly string[],
  label: { name: string; roleRefusal: string },
): Promise<string | null> {
  const refusal = mayStart(policy, actor, argv);
  if (refusal === null) return null;
  if (refusal === "role") return label.roleRefusal;
  if (refusal === "no_office") return t.offices.noOffice;
  if (label.name === "plan") return t.offices.planSendTopOnly(await topOfficeName(services.d1));
  return t.offices.topOnly(t.offices.settingNames[label.name] ?? label.name, await topOfficeName(services.d1));
}

/** May the actor act on this school (a manager: within their office's scope; a supervisor: their own school)? */
export async function mayActOnSchool(services: Pick<Services, "d1">, actor: Actor, schoolCode: string, also: Omit<PolicyTarget, "zone"> = {}): Promise<boolean> {
  const facts = await schoolPolicyFacts(services.d1, schoolCode);
  if (!facts) return false;
  return mayActOn(actor, { zone: facts.zone, schoolCode, supervisorCode: facts.supervisorCode, ...also });
}

/** May the actor act on a visit report (or a planned visit) of `schoolCode` whose visitor is `visitorCode`? */
export async function mayActOnReport(services: Pick<Services, "d1">, actor: Actor, report: { schoolCode: string; visitorCode: string; submittedBy?: string | null }): Promise<boolean> {
  const facts = await schoolPolicyFacts(services.d1, report.schoolCode);
  const target: PolicyTarget = { zone: facts?.zone ?? null, schoolCode: report.schoolCode, supervisorCode: report.visitorCode, submittedBy: report.submittedBy ?? null };
  return mayActOn(actor, target);
}

/**
 * May this person report (or edit, or open the form of) a visit of `visit.supervisorCode` at `visit.schoolCode`?
 * Whether it is on someone's behalf, or null if not allowed: the visitor themselves, or a manager whose office's
 * scope holds the school.
 */
export async function reportingRole(services: Pick<Services, "d1">, actor: Actor, visit: { schoolCode: string; supervisorCode: string }): Promise<{ onBehalf: boolean } | null> {
  if (!(await mayActOnReport(services, actor, { schoolCode: visit.schoolCode, visitorCode: visit.supervisorCode }))) return null;
  return { onBehalf: actor.code !== visit.supervisorCode };
}

/** The refusal of a report's visit to someone `reportingRole` refused: a manager learns which school is outside their office. */
export function reportRefusal(t: Messages, actor: Actor, schoolName: string, notYours: string): string {
  return actor.role === "manager" || actor.role === "admin" ? t.offices.reportOutOfScope(schoolName) : notYours;
}

/** May a manager act on this person (a supervisor by zone, a contact by school, a manager or admin by office)? */
export async function mayActOnPerson(services: Pick<Services, "d1">, actor: Actor, personCode: string): Promise<boolean> {
  if (actor.officeValid === false) return false;
  if (actor.role !== "manager" && actor.role !== "admin") return actor.code === personCode;
  return personInScope(services.d1, actor.scope, personCode);
}

/** The schools among `schoolCodes` a manager of `scope` may not act on (issuing to many schools at once: one query). */
export async function schoolsBeyondReach(services: Pick<Services, "d1">, scope: OfficeScope, schoolCodes: readonly string[]): Promise<string[]> {
  return schoolsOutsideScope(services.d1, scope, schoolCodes);
}
