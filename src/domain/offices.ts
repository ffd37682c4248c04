/**
 * Supervision offices (督导室) as a tree: the city's (or province's) office at the top, district offices
 * below it. Pure rules: which office a zone belongs to, which zones an office's managers may act on, and
 * the prefix of the office's document numbers. No I/O.
 *
 * - A city-level zone belongs to the top office; a district-level zone to the office whose `district`
 *   matches the zone's (the top office when no office runs that district).
 * - An office covers its own zones and those of every office below it, so the top office covers all.
 * - Without any office (no offices.csv) there is one implicit office: everyone is in it, numbers have no
 *   office prefix, and the digest goes to DIGEST_CHAT_ID, as before offices existed.
 */

export interface Office {
  code: string;
  name: string;
  /** the number prefix, e.g. 日照 / 东港 */
  shortName: string;
  parentCode: string | null;
  /** the district whose district-level zones the office runs; empty for the city's office */
  district: string;
  digestChatId: string | null;
}

export interface ZoneLike {
  level: "city" | "district";
  district: string;
}

/** What a manager may see and act on: everything (`districts` null) or the district-level zones of these districts. */
export interface OfficeScope {
  /** the manager's office; null in a deployment without offices */
  office: Office | null;
  isTop: boolean;
  districts: readonly string[] | null;
}

export const WHOLE_SCOPE: OfficeScope = { office: null, isTop: true, districts: null };

export function topOffice(offices: readonly Office[]): Office | null {
  return offices.find((office) => !office.parentCode) ?? null;
}

/** The office and every office below it (cycles are cut: each office is visited once). */
export function officeSubtree(offices: readonly Office[], code: string): Office[] {
  const children = new Map<string, Office[]>();
  for (const office of offices) {
    if (!office.parentCode) continue;
    children.set(office.parentCode, [...(children.get(office.parentCode) ?? []), office]);
  }
  const seen = new Set<string>();
  const result: Office[] = [];
  const visit = (office: Office | undefined) => {
    if (!office || seen.has(office.code)) return;
    seen.add(office.code);
    result.push(office);
    for (const child of children.get(office.code) ?? []) visit(child);
  };
  visit(offices.find((office) => office.code === code));
  return result;
}

/** A manager or admin whose office is empty or unknown: reaches nothing (fail closed; domain/policy.ts refuses them first). */
export const NO_SCOPE: OfficeScope = { office: null, isTop: false, districts: [] };

/**
 * The scope of a manager of `officeCode`. Without any office (no offices.csv) everyone has the whole scope; with
 * offices, a manager with no office or an unknown one reaches nothing until the city admin sets it in people.csv.
 */
export function scopeOf(offices: readonly Office[], officeCode: string | null): OfficeScope {
  const top = topOffice(offices);
  if (!top) return WHOLE_SCOPE;
  const office = offices.find((o) => o.code === officeCode);
  if (!office) return NO_SCOPE;
  if (office.code === top.code) return { office, isTop: true, districts: null };
  const districts = [...new Set(officeSubtree(offices, office.code).map((o) => o.district).filter(Boolean))].sort();
  return { office, isTop: false, districts };
}

/** Is `officeCode` an office of this deployment (always true without offices)? */
export function officeIsValid(offices: readonly Office[], officeCode: string | null): boolean {
  return !topOffice(offices) || offices.some((o) => o.code === officeCode);
}

export function zoneInScope(scope: OfficeScope, zone: ZoneLike): boolean {
  if (scope.districts === null) return true;
  return zone.level === "district" && scope.districts.includes(zone.district);
}

/** The office a zone belongs to (null without offices). */
export function officeOfZone(offices: readonly Office[], zone: ZoneLike): Office | null {
  if (zone.level === "district") {
    const own = offices.find((office) => office.district && office.district === zone.district);
    if (own) return own;
  }
  return topOffice(offices);
}

/** The office and every office above it, nearest first (cycles are cut: each office is visited once). */
export function officeChain(offices: readonly Office[], code: string): Office[] {
  const byCode = new Map(offices.map((office) => [office.code, office]));
  const chain: Office[] = [];
  const seen = new Set<string>();
  let at = byCode.get(code);
  while (at && !seen.has(at.code)) {
    seen.add(at.code);
    chain.push(at);
    at = at.parentCode ? byCode.get(at.parentCode) : undefined;
  }
  return chain;
}

/**
 * Does a manager of `managerOfficeCode` (empty or unknown: the top office) sit in the chain of the office that
 * owns `zone`: that office or one above it, never a sibling or another district's? Everyone does without offices.
 * The one rule for who hears about a school (serious problems, escalations, rectifications to verify).
 */
export function inChainOfZone(offices: readonly Office[], managerOfficeCode: string | null, zone: ZoneLike): boolean {
  const top = topOffice(offices);
  if (!top) return true;
  const own = offices.find((office) => office.code === managerOfficeCode) ?? top;
  const owner = officeOfZone(offices, zone) ?? top;
  return officeChain(offices, owner.code).some((office) => office.code === own.code);
}

/** The offices right below the top one, for the city digest's per-district rows. */
export function districtOffices(offices: readonly Office[]): Office[] {
  const top = topOffice(offices);
  if (!top) return [];
  return offices.filter((office) => office.parentCode === top.code).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** The SQL parameter for db-side scope filters: null for everything, else the districts as JSON. */
export function scopeParam(scope: OfficeScope): string | null {
  return scope.districts === null ? null : JSON.stringify(scope.districts);
}

/**
 * Checks of an offices.csv against itself: exactly one top office, parents that exist, no cycles,
 * each district run by one office. Returns the codes at fault with a reason key.
 */
export type OfficeTreeProblem =
  | { kind: "no_top" }
  | { kind: "many_tops"; codes: string[] }
  | { kind: "unknown_parent"; code: string; parent: string }
  | { kind: "cycle"; code: string }
  | { kind: "district_twice"; district: string; codes: string[] };

export function checkOfficeTree(offices: readonly Office[]): OfficeTreeProblem[] {
  if (offices.length === 0) return [];
  const problems: OfficeTreeProblem[] = [];
  const tops = offices.filter((office) => !office.parentCode);
  if (tops.length === 0) problems.push({ kind: "no_top" });
  if (tops.length > 1) problems.push({ kind: "many_tops", codes: tops.map((o) => o.code) });
  const byCode = new Map(offices.map((office) => [office.code, office]));
  for (const office of offices) {
    if (office.parentCode && !byCode.has(office.parentCode)) problems.push({ kind: "unknown_parent", code: office.code, parent: office.parentCode });
  }
  for (const office of offices) {
    const seen = new Set<string>();
    let at: Office | undefined = office;
    while (at?.parentCode) {
      if (seen.has(at.code)) {
        problems.push({ kind: "cycle", code: office.code });
        break;
      }
      seen.add(at.code);
      at = byCode.get(at.parentCode);
    }
  }
  const byDistrict = new Map<string, string[]>();
  for (const office of offices) if (office.district) byDistrict.set(office.district, [...(byDistrict.get(office.district) ?? []), office.code]);
  for (const [district, codes] of byDistrict) if (codes.length > 1) problems.push({ kind: "district_twice", district, codes });
  return problems;
}
