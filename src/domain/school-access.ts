import { mayActOn, type PolicyActor } from "./policy.ts";

/**
 * Who may see a school's file (督导档案): its nameplate supervisor, its school
 * contacts, and the managers whose office covers the school's zone, as the one policy decides (domain/policy.ts).
 */
export type SchoolAccessActor = PolicyActor;

export interface SchoolAccessSchool {
  code: string;
  supervisorCode: string | null;
  zoneCode: string;
  zoneLevel: "city" | "district";
  zoneDistrict: string;
}

export function maySeeSchool(actor: SchoolAccessActor, school: SchoolAccessSchool): boolean {
  return mayActOn(actor, { zone: { level: school.zoneLevel, district: school.zoneDistrict }, schoolCode: school.code, supervisorCode: school.supervisorCode });
}
