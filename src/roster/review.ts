import type { Role } from "../db/schema.ts";
import type { Messages } from "../i18n/index.ts";
import { officeOfZone, topOffice, zoneInScope, type Office, type OfficeScope, type ZoneLike } from "../domain/offices.ts";
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

/** What the database holds before an import: the scope lookup, and the people by code. */
export interface StoredRoster extends ScopeLookup {
  people: ReadonlyMap<string, StoredPerson>;
}

export type ScopeRefusal =
  /** the row, as the file would leave it, is outside the importer's scope */
  | { kind: "out_of_scope"; code: string }
  /** the code exists and belongs, as stored, to an office outside the importer's scope */
  | { kind: "owned_elsewhere"; what: "zone" | "school" | "person"; code: string; owner: string; importer: string }
  /** the row would move from one office to another: only the top office's admins move zones or people between offices */
  | { kind: "move_not_top"; what: "zone" | "school" | "person"; code: string; from: string; to: string; top: string };

type Owned = { what: "zone" | "school" | "person"; code: string; owner: Office | null; inScope: boolean };

/** The office a person belongs to: managers and admins by office (none or unknown: the top office), supervisors by zone, contacts by school. */
function officeOfPerson(person: Pick<PersonRow, "role" | "zoneCode" | "schoolCode" | "officeCode">, lookup: ScopeLookup): Office | null {
  const top = topOffice(lookup.offices);
  if (person.role === "manager" || person.role === "admin") return lookup.offices.find((o) => o.code === person.officeCode) ?? top;
  const zoneCode = person.role === "school_contact" ? lookup.schoolZones.get(person.schoolCode ?? "") : person.zoneCode;
  const zone = zoneCode ? lookup.zones.get(zoneCode) : undefined;
  return zone ? officeOfZone(lookup.offices, zone) : top;
}

function ownedByZone(what: "zone" | "school", code: string, zone: ZoneLike | undefined, scope: OfficeScope, lookup: ScopeLookup): Owned {
  return { what, code, owner: zone ? officeOfZone(lookup.offices, zone) : topOffice(lookup.offices), inScope: !!zone && zoneInScope(scope, zone) };
}

/**
 * The scope review of a roster file, before anything is stored. A row whose code exists must be in the importer's
 * scope as stored (a code another office owns is refused, naming both offices) and as the file changes it; a new
 * row as the file gives it. Only the top office's admins move a zone, a school or a person from one office to
 * another. `stored` is the database; `changed` the lookup with the file (and the sheets before it) applied.
 * Returns each refused row's index with the reason.
 */
export function reviewScope(parsed: ParsedRoster, scope: OfficeScope, stored: StoredRoster, changed: ScopeLookup): { index: number; refusal: ScopeRefusal }[] {
  if (scope.districts === null) return [];
  const importer = scope.office?.name ?? "";
  const top = topOffice(stored.offices);
  const out: { index: number; refusal: ScopeRefusal }[] = [];
  parsed.rows.forEach((row, index) => {
    const code = row.code;
    if (parsed.kind === "offices") {
      out.push({ index, refusal: { kind: "out_of_scope", code } });
      return;
    }
    let before: Owned | null = null;
    let after: Owned;
    if (parsed.kind === "zones") {
      const zone = stored.zones.get(code);
      if (zone) before = ownedByZone("zone", code, zone, scope, stored);
      after = ownedByZone("zone", code, row as ZoneLike, scope, changed);
    } else if (parsed.kind === "schools") {
      const zoneCode = stored.schoolZones.get(code);
      if (zoneCode !== undefined) before = ownedByZone("school", code, stored.zones.get(zoneCode), scope, stored);
      after = ownedByZone("school", code, changed.zones.get((row as { zoneCode: string }).zoneCode), scope, changed);
    } else {
      const person = stored.people.get(code);
      if (person) before = { what: "person", code, owner: officeOfPerson(person, stored), inScope: personInScope(scope, person, stored) };
      after = { what: "person", code, owner: officeOfPerson(row as PersonRow, changed), inScope: personInScope(scope, row as PersonRow, changed) };
    }
    if (before && !before.inScope) {
      out.push({ index, refusal: { kind: "owned_elsewhere", what: before.what, code, owner: before.owner?.name ?? "", importer } });
    } else if (!after.inScope) {
      out.push({ index, refusal: { kind: "out_of_scope", code } });
    } else if (before && before.owner?.code !== after.owner?.code) {
      out.push({ index, refusal: { kind: "move_not_top", what: after.what, code, from: before.owner?.name ?? "", to: after.owner?.name ?? "", top: top?.name ?? "" } });
    }
  });
  return out;
}

/** A refusal as the reason of a row error (the caller adds the file and line). */
export function scopeRefusalText(t: Messages, refusal: ScopeRefusal): string {
  const o = t.offices;
  if (refusal.kind === "out_of_scope") return `${refusal.code}：${o.rowOutOfScope}`;
  const what = o.scopeWhat[refusal.what] ?? refusal.what;
  if (refusal.kind === "owned_elsewhere") return o.rowOwnedElsewhere(what, refusal.code, refusal.owner, refusal.importer);
  return o.rowMoveNotTop(what, refusal.code, refusal.from, refusal.to, refusal.top);
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
