/**
 * The roster's SQL, shared by the chat import (db/roster-imports.ts, db/roster-import-reads.ts), `npm run roster`
 * (scripts/lib/import-roster.ts) and the tests' seeding: the reads the review compares against, and the json_each
 * bulk upserts (hand-written: one statement per chunk whatever the roster size, and the store's own scope guard).
 */
import { scopeParam, type OfficeScope } from "../domain/offices.ts";
import type { RosterKind } from "../roster/parse.ts";
import type { RosterRow } from "../roster/store.ts";
import { chunkForJson } from "./client.ts";

export const CONTEXT_QUERIES = {
  zoneCodes: "SELECT code FROM zones",
  supervisorCodes: "SELECT code FROM people WHERE role = 'supervisor' AND active = 1",
  openIds: "SELECT code, open_id FROM people WHERE open_id IS NOT NULL",
  officeCodes: "SELECT code FROM offices",
} as const;

/** Stored rows of a table, in the same shape as the parsed rows, for comparison. */
export const EXISTING_QUERIES: Record<RosterKind, string> = {
  offices: "SELECT code, name, short_name AS shortName, parent_code AS parentCode, district, digest_chat_id AS digestChatId, public_phone AS publicPhone FROM offices",
  zones: "SELECT code, name, level, district, lead_code AS leadCode FROM zones",
  people:
    "SELECT code, name, role, zone_code AS zoneCode, school_code AS schoolCode, mobile, email, open_id AS openId, lang, office_code AS officeCode, active FROM people",
  schools:
    "SELECT code, name, zone_code AS zoneCode, supervisor_code AS supervisorCode, stage, ownership, address, visits_per_month AS visitsPerMonth, active FROM schools",
};

const UPSERT_SQL: Record<RosterKind, string> = {
  offices: `INSERT INTO offices (code, name, short_name, parent_code, district, digest_chat_id, public_phone, created_at, updated_at)
SELECT json_extract(value, '$.code'), json_extract(value, '$.name'), json_extract(value, '$.shortName'),
       json_extract(value, '$.parentCode'), json_extract(value, '$.district'), json_extract(value, '$.digestChatId'), json_extract(value, '$.publicPhone'), ?1, ?1
FROM json_each(?2) WHERE true
ON CONFLICT(code) DO UPDATE SET name = excluded.name, short_name = excluded.short_name, parent_code = excluded.parent_code,
  district = excluded.district, digest_chat_id = excluded.digest_chat_id, public_phone = excluded.public_phone, updated_at = excluded.updated_at`,
  zones: `INSERT INTO zones (code, name, level, district, lead_code, created_at, updated_at)
SELECT json_extract(value, '$.code'), json_extract(value, '$.name'), json_extract(value, '$.level'),
       json_extract(value, '$.district'), json_extract(value, '$.leadCode'), ?1, ?1
FROM json_each(?2) WHERE true
ON CONFLICT(code) DO UPDATE SET name = excluded.name, level = excluded.level, district = excluded.district,
  lead_code = excluded.lead_code, updated_at = excluded.updated_at`,
  people: `INSERT INTO people (code, name, role, zone_code, school_code, mobile, email, open_id, lang, office_code, active, created_at, updated_at)
SELECT json_extract(value, '$.code'), json_extract(value, '$.name'), json_extract(value, '$.role'),
       json_extract(value, '$.zoneCode'), json_extract(value, '$.schoolCode'), json_extract(value, '$.mobile'),
       json_extract(value, '$.email'), json_extract(value, '$.openId'), json_extract(value, '$.lang'), json_extract(value, '$.officeCode'), 1, ?1, ?1
FROM json_each(?2) WHERE true
ON CONFLICT(code) DO UPDATE SET name = excluded.name, role = excluded.role, zone_code = excluded.zone_code,
  school_code = excluded.school_code, mobile = excluded.mobile, email = excluded.email,
  open_id = COALESCE(excluded.open_id, people.open_id), lang = excluded.lang, office_code = excluded.office_code, active = 1, updated_at = excluded.updated_at`,
  schools: `INSERT INTO schools (code, name, zone_code, supervisor_code, stage, ownership, address, visits_per_month, active, created_at, updated_at)
SELECT json_extract(value, '$.code'), json_extract(value, '$.name'), json_extract(value, '$.zoneCode'),
       json_extract(value, '$.supervisorCode'), json_extract(value, '$.stage'), json_extract(value, '$.ownership'),
       json_extract(value, '$.address'), json_extract(value, '$.visitsPerMonth'), 1, ?1, ?1
FROM json_each(?2) WHERE true
ON CONFLICT(code) DO UPDATE SET name = excluded.name, zone_code = excluded.zone_code, supervisor_code = excluded.supervisor_code,
  stage = excluded.stage, ownership = excluded.ownership, address = excluded.address,
  visits_per_month = excluded.visits_per_month, active = 1, updated_at = excluded.updated_at`,
};

const rowCode = "json_extract(value, '$.code')";
const zoneIn = (zoneExpr: string) => `${zoneExpr} IN (SELECT code FROM zones WHERE level = 'district' AND district IN (SELECT value FROM json_each(?3)))`;

/**
 * The store's own guard for an office's (not the top office's) import, ?3 the scope's districts as JSON, ?4 the
 * office's code (people only): a row whose code exists is written only if the stored row is in that scope, so an
 * upsert can never take over another office's zone, school or person, whatever the review before it. Offices: never.
 */
const STORED_IN_SCOPE: Record<RosterKind, { sql: string; params: number }> = {
  offices: { sql: "false", params: 0 },
  zones: {
    sql: `NOT EXISTS (SELECT 1 FROM zones z WHERE z.code = ${rowCode} AND NOT COALESCE(z.level = 'district' AND z.district IN (SELECT value FROM json_each(?3)), 0))`,
    params: 1,
  },
  schools: { sql: `NOT EXISTS (SELECT 1 FROM schools s WHERE s.code = ${rowCode} AND NOT COALESCE(${zoneIn("s.zone_code")}, 0))`, params: 1 },
  people: {
    sql: `NOT EXISTS (SELECT 1 FROM people p LEFT JOIN schools s ON s.code = p.school_code LEFT JOIN offices o ON o.code = p.office_code
    WHERE p.code = ${rowCode} AND NOT COALESCE(
      (p.role = 'supervisor' AND ${zoneIn("p.zone_code")}) OR (p.role = 'school_contact' AND ${zoneIn("s.zone_code")})
      OR (p.role IN ('manager', 'admin') AND (o.district IN (SELECT value FROM json_each(?3)) OR o.code = ?4)), 0))`,
    params: 2,
  },
};

/**
 * The upserts as (sql, params) pairs: one statement per chunk of rows, whatever the roster size. With the scope of
 * an office below the top, each statement carries the store's guard (STORED_IN_SCOPE) and the parameters it reads.
 */
export function rosterUpserts(kind: RosterKind, rows: RosterRow[], nowMs: number, maxChunkBytes?: number, scope?: OfficeScope): { sql: string; params: [number, string, ...(string | null)[]] }[] {
  const guard = scope && scope.districts !== null ? STORED_IN_SCOPE[kind] : null;
  const sql = guard ? UPSERT_SQL[kind].replace("FROM json_each(?2) WHERE true", `FROM json_each(?2) WHERE ${guard.sql}`) : UPSERT_SQL[kind];
  const extra = guard ? [scopeParam(scope!), scope!.office?.code ?? null].slice(0, guard.params) : [];
  return chunkForJson(rows, maxChunkBytes).map((chunk) => ({ sql, params: [nowMs, JSON.stringify(chunk), ...extra] }));
}
