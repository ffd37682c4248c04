/** The roster import log and the deactivations waiting for an admin's confirmation. */
import type { Office, ZoneLike } from "../domain/offices.ts";
import type { StoredRoster, StoredPerson } from "../roster/review.ts";
import { OFFICES_SQL } from "./offices.ts";
import { EXISTING_QUERIES } from "../roster/store.ts";
import { and, eq } from "drizzle-orm";
import { openDb } from "./client.ts";
import { rosterImports } from "./schema.ts";

export interface ImportRecord {
  at: number;
  actorCode: string;
  kind: string;
  fileName: string;
  fileHash: string;
  added: number;
  updated: number;
  /** people the file leaves out: deactivated only once confirmed */
  pendingCodes: readonly string[];
}

export function recordImport(d1: D1Database, record: ImportRecord): D1PreparedStatement {
  const pending = record.pendingCodes.length > 0;
  return d1
    .prepare(
      `INSERT INTO roster_imports (at, actor_code, kind, file_name, file_hash, added, updated, deactivated, status, pending_codes)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9)`,
    )
    .bind(record.at, record.actorCode, record.kind, record.fileName, record.fileHash, record.added, record.updated, pending ? "pending" : "done", pending ? JSON.stringify(record.pendingCodes) : null);
}

export type { DeactivationRow } from "../domain/roster.ts";

/** ?1 JSON codes: each person with their open orders (their schools', or issued by them) and planned visits. */
export const DEACTIVATION_SQL = `SELECT p.code, p.name, p.role,
    (SELECT COUNT(*) FROM orders o LEFT JOIN schools s ON s.code = o.school_code
      WHERE o.status IN ('issued', 'acknowledged', 'reported')
        AND ((p.role = 'supervisor' AND s.supervisor_code = p.code) OR (p.role = 'school_contact' AND o.school_code = p.school_code) OR o.issued_by = p.code)) AS orders,
    (SELECT COUNT(*) FROM assignments a WHERE a.supervisor_code = p.code AND a.status = 'planned') AS visits
  FROM people p WHERE p.code IN (SELECT value FROM json_each(?1)) ORDER BY p.code`;

export interface PendingImport {
  id: number;
  actorCode: string;
  fileName: string;
  status: string;
  pendingCodes: string | null;
}

export async function findPendingImport(d1: D1Database, at: number, hashPrefix: string): Promise<PendingImport | null> {
  return d1
    .prepare(
      `SELECT id, actor_code AS actorCode, file_name AS fileName, status, pending_codes AS pendingCodes FROM roster_imports
       WHERE at = ?1 AND substr(file_hash, 1, 16) = ?2 ORDER BY id DESC LIMIT 1`,
    )
    .bind(at, hashPrefix)
    .first<PendingImport>();
}

export interface ImportLogRow {
  at: number;
  actorCode: string;
  actorName: string | null;
  kind: string;
  fileName: string;
  fileHash: string;
  added: number;
  updated: number;
  deactivated: number;
  status: string;
}

export async function importLog(d1: D1Database, limit: number): Promise<ImportLogRow[]> {
  const { results } = await d1
    .prepare(
      `SELECT r.at, r.actor_code AS actorCode, p.name AS actorName, r.kind, r.file_name AS fileName, r.file_hash AS fileHash,
              r.added, r.updated, r.deactivated, r.status
       FROM roster_imports r LEFT JOIN people p ON p.code = r.actor_code ORDER BY r.at DESC, r.id DESC LIMIT ?1`,
    )
    .bind(limit)
    .all<ImportLogRow>();
  return results;
}

/** What the roster holds now, for re-checking a decision against it: offices, zones, schools' zones and people (one batch). */
export async function loadStoredRoster(d1: D1Database): Promise<StoredRoster> {
  const [officeRows, zoneRows, schoolRows, peopleRows] = await d1.batch([
    d1.prepare(OFFICES_SQL),
    d1.prepare("SELECT code, level, district FROM zones"),
    d1.prepare("SELECT code, zone_code AS zoneCode FROM schools"),
    d1.prepare(EXISTING_QUERIES.people),
  ]);
  return {
    offices: officeRows!.results as unknown as Office[],
    zones: new Map((zoneRows!.results as unknown as (ZoneLike & { code: string })[]).map((zone) => [zone.code, { level: zone.level, district: zone.district }])),
    schoolZones: new Map((schoolRows!.results as { code: string; zoneCode: string }[]).map((school) => [school.code, school.zoneCode])),
    people: new Map((peopleRows!.results as unknown as StoredPerson[]).map((person) => [person.code, person])),
  };
}

/** The admin's decision on a pending import (a second decision changes nothing); confirmed, `deactivated` people. */
export function decideImportStatement(d1: D1Database, importId: number, confirm: boolean, deactivated: number, decidedBy: string, nowMs: number) {
  return openDb(d1)
    .update(rosterImports)
    .set({ status: confirm ? "confirmed" : "discarded", deactivated: confirm ? deactivated : 0, decidedBy, decidedAt: nowMs })
    .where(and(eq(rosterImports.id, importId), eq(rosterImports.status, "pending")));
}

/** The people of `codes` made inactive, only if this very confirmation (by `decidedBy` at `nowMs`) was recorded. */
export function deactivateConfirmedStatement(d1: D1Database, importId: number, codes: readonly string[], decidedBy: string, nowMs: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE people SET active = 0, updated_at = ?1 WHERE code IN (SELECT value FROM json_each(?2)) AND active = 1
       AND EXISTS (SELECT 1 FROM roster_imports WHERE id = ?3 AND status = 'confirmed' AND decided_by = ?4 AND decided_at = ?1)`,
    )
    .bind(nowMs, JSON.stringify(codes), importId, decidedBy);
}

/** Holds once this very decision (by `decidedBy` at `nowMs`) is the one recorded. */
export function importDecided(importId: number, decidedBy: string, nowMs: number): { sql: string; params: unknown[] } {
  return { sql: "SELECT 1 FROM roster_imports WHERE id = ? AND decided_by = ? AND decided_at = ?", params: [importId, decidedBy, nowMs] };
}
