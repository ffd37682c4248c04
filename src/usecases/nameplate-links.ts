/**
 * The nameplate's links (`名牌`): which schools a manager may name, the current token of a school, a new token
 * (the old revoked in the same batch), revoking, and the office's switch for its pages. Writes go on the
 * caller's unit of work, committed with the command's answer.
 */
import { currentToken, insertToken, revokeTokens, setPagesOff, tokensInScope } from "../db/nameplate.ts";
import { activeSchoolsWithAccess } from "../db/school-file.ts";
import { nameplateToken } from "../domain/nameplate.ts";
import type { OfficeScope } from "../domain/offices.ts";
import type { Services } from "./services.ts";

export const nameplateSchools = (services: Pick<Services, "d1">) => activeSchoolsWithAccess(services.d1);
export const nameplateTokenOf = (services: Pick<Services, "d1">, schoolCode: string) => currentToken(services.d1, schoolCode);
export const nameplateLinksInScope = (services: Pick<Services, "d1">, scope: OfficeScope) => tokensInScope(services.d1, scope);

/** A new token for the school; any current one stops working in the same batch. */
export function issueNameplate(services: Pick<Services, "d1" | "uow" | "nowMs">, schoolCode: string, issuedByCode: string): string {
  const token = nameplateToken(crypto.getRandomValues(new Uint8Array(18)));
  services.uow.write(revokeTokens(services.d1, schoolCode, services.nowMs), insertToken(services.d1, token, schoolCode, issuedByCode, services.nowMs));
  return token;
}

export function revokeNameplate(services: Pick<Services, "d1" | "uow" | "nowMs">, schoolCode: string): void {
  services.uow.write(revokeTokens(services.d1, schoolCode, services.nowMs));
}

/** Turns the pages of `officeCode` and the offices below it off (or on again). */
export function switchNameplatePages(services: Pick<Services, "d1" | "uow" | "nowMs">, officeCode: string | null, off: boolean): void {
  services.uow.write(setPagesOff(services.d1, officeCode, off, services.nowMs));
}
