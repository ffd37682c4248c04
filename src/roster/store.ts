import type { OfficeRow, ParsedRoster, PersonRow, RosterContext, RosterKind, SchoolRow, ZoneRow } from "./parse.ts";

/**
 * Diffing parsed roster rows against what is stored (read and written by db/roster-sql.ts). Shared by the chat
 * import (in the Worker) and `npm run roster`.
 */

export type RosterRow = OfficeRow | ZoneRow | PersonRow | SchoolRow;

export function buildRosterContext(
  zoneRows: { code: string }[],
  supervisorRows: { code: string }[],
  openIdRows: { code: string; open_id: string }[],
  extraSupervisors: Iterable<string> = [],
  officeRows: { code: string }[] = [],
): RosterContext {
  return {
    officeCodes: new Set(officeRows.map((row) => row.code)),
    zoneCodes: new Set(zoneRows.map((row) => row.code)),
    supervisorCodes: new Set([...supervisorRows.map((row) => row.code), ...extraSupervisors]),
    openIds: new Map(openIdRows.map((row) => [row.open_id, row.code])),
  };
}

const COMPARED: Record<RosterKind, string[]> = {
  offices: ["name", "shortName", "parentCode", "district", "digestChatId", "publicPhone"],
  zones: ["name", "level", "district", "leadCode"],
  people: ["name", "role", "zoneCode", "schoolCode", "mobile", "email", "openId", "lang", "officeCode"],
  schools: ["name", "zoneCode", "supervisorCode", "stage", "ownership", "address", "visitsPerMonth"],
};

export interface RosterDiff {
  added: RosterRow[];
  updated: RosterRow[];
  unchanged: number;
}

export function diffRoster(parsed: ParsedRoster, existing: Record<string, unknown>[]): RosterDiff {
  const byCode = new Map(existing.map((row) => [String(row.code), row]));
  const added: RosterRow[] = [];
  const updated: RosterRow[] = [];
  let unchanged = 0;
  for (const row of parsed.rows as RosterRow[]) {
    const stored = byCode.get(row.code);
    if (!stored) {
      added.push(row);
      continue;
    }
    const same =
      (stored.active === undefined || Number(stored.active) === 1) &&
      COMPARED[parsed.kind].every((field) => {
        const incoming = (row as unknown as Record<string, unknown>)[field];
        // An empty open_id in the file keeps the one resolved earlier.
        if (field === "openId" && incoming === null) return true;
        return String(incoming ?? "") === String(stored[field] ?? "");
      });
    if (same) unchanged++;
    else updated.push(row);
  }
  return { added, updated, unchanged };
}
