/**
 * Matching what a user typed to schools: a code, a full name, or a unique
 * part of a name. Lists are separated by , ， 、 or ; (full-width too).
 */

export interface SchoolRef {
  code: string;
  name: string;
}

export type SchoolMatch =
  | { input: string; kind: "found"; school: SchoolRef }
  | { input: string; kind: "ambiguous"; candidates: SchoolRef[] }
  | { input: string; kind: "unknown" };

export function splitSchoolList(text: string): string[] {
  return text
    .split(/[,，、;；]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

export function matchSchool(input: string, schools: readonly SchoolRef[]): SchoolMatch {
  const needle = input.normalize("NFKC").trim().toLowerCase();
  const byCode = schools.find((school) => school.code.toLowerCase() === needle);
  if (byCode) return { input, kind: "found", school: byCode };
  const byName = schools.filter((school) => school.name.normalize("NFKC").toLowerCase() === needle);
  if (byName.length === 1) return { input, kind: "found", school: byName[0]! };
  const partial = byName.length > 1 ? byName : schools.filter((school) => school.name.normalize("NFKC").toLowerCase().includes(needle));
  if (partial.length === 1) return { input, kind: "found", school: partial[0]! };
  if (partial.length > 1) return { input, kind: "ambiguous", candidates: partial.slice(0, 10) };
  return { input, kind: "unknown" };
}

export function matchSchools(text: string, schools: readonly SchoolRef[]): SchoolMatch[] {
  return splitSchoolList(text).map((input) => matchSchool(input, schools));
}
