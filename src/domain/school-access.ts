/**
 * Who may see a school's file (督导档案): its nameplate supervisor, its school
 * contacts, and managers. The one place this is decided; office scoping for
 * managers plugs in here.
 */
export interface SchoolAccessActor {
  code: string;
  role: "supervisor" | "manager" | "school_contact" | "admin";
  schoolCode: string | null;
}

export interface SchoolAccessSchool {
  code: string;
  supervisorCode: string | null;
  zoneCode: string;
}

export function maySeeSchool(actor: SchoolAccessActor, school: SchoolAccessSchool): boolean {
  switch (actor.role) {
    case "manager":
    case "admin":
      return true;
    case "supervisor":
      return school.supervisorCode === actor.code;
    case "school_contact":
      return actor.schoolCode === school.code;
  }
}
