import { zoneInScope, type OfficeScope } from "./offices.ts";

/**
 * Who may see a school's file (督导档案): its nameplate supervisor, its school
 * contacts, and the managers whose office covers the school's zone. The one place this is decided.
 */
export interface SchoolAccessActor {
  code: string;
  role: "supervisor" | "manager" | "school_contact" | "admin";
  schoolCode: string | null;
  scope: OfficeScope;
}

export interface SchoolAccessSchool {
  code: string;
  supervisorCode: string | null;
  zoneCode: string;
  zoneLevel: "city" | "district";
  zoneDistrict: string;
}

export function maySeeSchool(actor: SchoolAccessActor, school: SchoolAccessSchool): boolean {
  switch (actor.role) {
    case "manager":
    case "admin":
      return zoneInScope(actor.scope, { level: school.zoneLevel, district: school.zoneDistrict });
    case "supervisor":
      return school.supervisorCode === actor.code;
    case "school_contact":
      return actor.schoolCode === school.code;
  }
}
