import type { Role } from "../db/schema.ts";
import { topOffice, zoneInScope, type Office, type OfficeScope, type ZoneLike } from "../domain/offices.ts";
import type { ParsedRoster, PersonRow } from "./parse.ts";

/**
 * The review rules of a roster import, pure: which rows an office's admin may import, who a people.csv
 * would remove, and whether the top office keeps an administrator.
 */

export interface StoredPerson {
  code: string;
  name: string;
  role: Role;
  zoneCode: string | null;
  schoolCode: string | null;
  officeCode: string | null;
  active: number | boolean;
}

export interface ScopeLookup {
  offices: readonly Office[];
  zones: ReadonlyMap<string, ZoneLike>;
  /** school code → zone code */
  schoolZones: ReadonlyMap<string, string>;
}

/** Is a person (a file row or a stored one) within an office's scope? Managers by office, supervisors by zone, contacts by school. */
export function personInScope(scope: OfficeScope, person: Pick<PersonRow, "role" | "zoneCode" | "schoolCode" | "officeCode">, lookup: ScopeLookup): boolean {
  if (scope.districts === null) return true;
  const zoneOk = (code: string | null | undefined) => {
    const zone = code ? lookup.zones.get(code) : undefined;
    return !!zone && zoneInScope(scope, zone);
  };
  if (person.role === "manager" || person.role === "admin") {
    const office = lookup.offices.find((o) => o.code === person.officeCode);
    return !!office && (office.code === scope.office?.code || scope.districts.includes(office.district));
  }
  if (person.role === "school_contact") return zoneOk(lookup.schoolZones.get(person.schoolCode ?? ""));
  return zoneOk(person.zoneCode);
}

/** Lines (1-based file lines are the caller's) of rows an office's admin may not import. */
export function rowsOutOfScope(parsed: ParsedRoster, scope: OfficeScope, lookup: ScopeLookup): number[] {
  if (scope.districts === null) return [];
  const out: number[] = [];
  parsed.rows.forEach((row, index) => {
    let ok = true;
    if (parsed.kind === "offices") ok = false;
    else if (parsed.kind === "zones") ok = zoneInScope(scope, row as ZoneLike);
    else if (parsed.kind === "schools") {
      const zone = lookup.zones.get((row as { zoneCode: string }).zoneCode);
      ok = !!zone && zoneInScope(scope, zone);
    } else ok = personInScope(scope, row as PersonRow, lookup);
    if (!ok) out.push(index);
  });
  return out;
}

/** Active people in the importer's scope whom the file no longer lists. */
export function removedPeople(rows: readonly PersonRow[], existing: readonly StoredPerson[], scope: OfficeScope, lookup: ScopeLookup): StoredPerson[] {
  const listed = new Set(rows.map((row) => row.code));
  return existing.filter((person) => Number(person.active) === 1 && !listed.has(person.code) && personInScope(scope, person, lookup));
}

const isTopAdmin = (person: Pick<StoredPerson, "role" | "officeCode">, offices: readonly Office[]) => {
  if (person.role !== "admin") return false;
  const top = topOffice(offices);
  if (!top) return true;
  return !person.officeCode || person.officeCode === top.code || !offices.some((o) => o.code === person.officeCode);
};

/** The top office's active administrators before and after applying the file's rows and removing `removed`. */
export function topAdmins(existing: readonly StoredPerson[], rows: readonly PersonRow[], removed: ReadonlySet<string>, offices: readonly Office[]): { before: StoredPerson[]; after: string[] } {
  const before = existing.filter((person) => Number(person.active) === 1 && isTopAdmin(person, offices));
  const after = new Map<string, Pick<StoredPerson, "role" | "officeCode">>();
  for (const person of existing) if (Number(person.active) === 1) after.set(person.code, person);
  for (const row of rows) after.set(row.code, row);
  for (const code of removed) after.delete(code);
  return { before, after: [...after].filter(([, person]) => isTopAdmin(person, offices)).map(([code]) => code) };
}
