/** The roster import log and the deactivations waiting for an admin's confirmation. */
import type { Office, ZoneLike } from "../domain/offices.ts";
import type { StoredRoster, StoredPerson } from "../roster/review.ts";
import { OFFICES_SQL } from "./offices.ts";
import { EXISTING_QUERIES } from "./roster-sql.ts";
import { and, desc, eq, exists, sql } from "drizzle-orm";
import { openDb } from "./client.ts";
import { inJson } from "./fragments.ts";
import { people, rosterImports } from "./schema.ts";

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

export function recordImport(d1: D1Database, record: ImportRecord) {
  const pending = record.pendingCodes.length > 0;
  return openDb(d1)
    .insert(rosterImports)
    .values({
      at: record.at,
      actorCode: record.actorCode,
      kind: record.kind,
      fileName: record.fileName,
      fileHash: record.fileHash,
      added: record.added,
      updated: record.updated,
      deactivated: 0,
      status: pending ? "pending" : "done",
      pendingCodes: pending ? JSON.stringify(record.pendingCodes) : null,
    });
}

export type { DeactivationRow } from "../domain/roster.ts";

export interface PendingImport {
  id: number;
  actorCode: string;
  fileName: string;
  status: string;
  pendingCodes: string | null;
}

export async function findPendingImport(d1: D1Database, at: number, hashPrefix: string): Promise<PendingImport | null> {
  const row = await openDb(d1)
    .select({ id: rosterImports.id, actorCode: rosterImports.actorCode, fileName: rosterImports.fileName, status: rosterImports.status, pendingCodes: rosterImports.pendingCodes })
    .from(rosterImports)
    .where(and(eq(rosterImports.at, at), sql`substr(${rosterImports.fileHash}, 1, 16) = ${hashPrefix}`))
    .orderBy(desc(rosterImports.id))
    .limit(1)
    .get();
  return row ?? null;
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
  return openDb(d1)
    .select({
      at: rosterImports.at,
      actorCode: rosterImports.actorCode,
      actorName: people.name,
      kind: rosterImports.kind,
      fileName: rosterImports.fileName,
      fileHash: rosterImports.fileHash,
      added: rosterImports.added,
      updated: rosterImports.updated,
      deactivated: rosterImports.deactivated,
      status: rosterImports.status,
    })
    .from(rosterImports)
    .leftJoin(people, eq(people.code, rosterImports.actorCode))
    .orderBy(desc(rosterImports.at), desc(rosterImports.id))
    .limit(limit);
}

/**
 * What the roster holds now, for re-checking a decision against it: offices, zones, schools' zones and people (one batch).
 * Raw statements: the batch carries roster-sql.ts's shared SQL (also run by scripts/), which drizzle's batch cannot.
 */
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
export function deactivateConfirmedStatement(d1: D1Database, importId: number, codes: readonly string[], decidedBy: string, nowMs: number) {
  const db = openDb(d1);
  const thisConfirmation = db
    .select({ one: sql`1` })
    .from(rosterImports)
    .where(and(eq(rosterImports.id, importId), eq(rosterImports.status, "confirmed"), eq(rosterImports.decidedBy, decidedBy), eq(rosterImports.decidedAt, nowMs)));
  return db
    .update(people)
    .set({ active: false, updatedAt: nowMs })
    .where(and(inJson(people.code, codes), eq(people.active, true), exists(thisConfirmation)));
}

/** Holds once this very decision (by `decidedBy` at `nowMs`) is the one recorded. */
export function importDecided(importId: number, decidedBy: string, nowMs: number): { sql: string; params: unknown[] } {
  return { sql: "SELECT 1 FROM roster_imports WHERE id = ? AND decided_by = ? AND decided_at = ?", params: [importId, decidedBy, nowMs] };
}
