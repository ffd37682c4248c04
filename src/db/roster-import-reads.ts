/** What a roster import (a CSV or a workbook sent in chat) reads and writes (usecases/roster-import*.ts). */
import { and, asc, count, eq, inArray, or, sql } from "drizzle-orm";
import type { Office, OfficeScope, ZoneLike } from "../domain/offices.ts";
import type { RosterKind } from "../roster/parse.ts";
import type { StoredPerson } from "../roster/review.ts";
import type { RosterRow } from "../roster/store.ts";
import { CONTEXT_QUERIES, EXISTING_QUERIES, rosterUpserts } from "./roster-sql.ts";
import { openDb } from "./client.ts";
import { OFFICES_SQL } from "./offices.ts";
import { inJson } from "./fragments.ts";
import type { DeactivationRow } from "./roster-imports.ts";
import { assignments, orders, people, schools } from "./schema.ts";

/** The roster as the import checks a file against it: one batch of reads. */
export interface ImportContext {
  zoneCodes: { code: string }[];
  supervisorCodes: { code: string }[];
  openIds: { code: string; open_id: string }[];
  offices: Office[];
  zones: Map<string, ZoneLike>;
  schoolZones: Map<string, string>;
  people: StoredPerson[];
  /** per kind asked for, in that order: the stored rows in the parsed rows' shape (roster-sql.ts) */
  existing: Record<string, unknown>[][];
}

/** Raw statements: one batch of roster-sql.ts's shared SQL (also run by scripts/ and the tests), which drizzle's batch cannot carry. */
export async function loadImportContext(d1: D1Database, kinds: readonly RosterKind[]): Promise<ImportContext> {
  const [zoneRows, supervisorRows, openIdRows, officeRows, zoneInfoRows, schoolZoneRows, peopleRows, ...existingRows] = await d1.batch([
    d1.prepare(CONTEXT_QUERIES.zoneCodes),
    d1.prepare(CONTEXT_QUERIES.supervisorCodes),
    d1.prepare(CONTEXT_QUERIES.openIds),
    d1.prepare(OFFICES_SQL),
    d1.prepare("SELECT code, level, district FROM zones"),
    d1.prepare("SELECT code, zone_code AS zoneCode FROM schools"),
    d1.prepare(EXISTING_QUERIES.people),
    ...kinds.map((kind) => d1.prepare(EXISTING_QUERIES[kind])),
  ]);
  return {
    zoneCodes: zoneRows!.results as { code: string }[],
    supervisorCodes: supervisorRows!.results as { code: string }[],
    openIds: openIdRows!.results as { code: string; open_id: string }[],
    offices: officeRows!.results as unknown as Office[],
    zones: new Map((zoneInfoRows!.results as unknown as (ZoneLike & { code: string })[]).map((zone) => [zone.code, zone as ZoneLike])),
    schoolZones: new Map((schoolZoneRows!.results as { code: string; zoneCode: string }[]).map((school) => [school.code, school.zoneCode])),
    people: peopleRows!.results as unknown as StoredPerson[],
    existing: existingRows.map((rows) => rows!.results as Record<string, unknown>[]),
  };
}

/** The first `limit` active administrators by code (named to someone who may not import). */
export async function activeAdmins(d1: D1Database, limit: number): Promise<{ name: string; code: string }[]> {
  return openDb(d1)
    .select({ name: people.name, code: people.code })
    .from(people)
    .where(and(eq(people.role, "admin"), eq(people.active, true)))
    .orderBy(asc(people.code))
    .limit(limit);
}

/** Every school's code. */
export async function schoolCodes(d1: D1Database): Promise<string[]> {
  const rows = await openDb(d1).select({ code: schools.code }).from(schools);
  return rows.map((row) => row.code);
}

/** The people left out of a file, each with their open orders and planned visits (the deactivation card). */
export async function deactivationDetails(d1: D1Database, codes: readonly string[]): Promise<DeactivationRow[]> {
  const db = openDb(d1);
  const openOrders = db
    .select({ n: count() })
    .from(orders)
    .leftJoin(schools, eq(schools.code, orders.schoolCode))
    .where(
      and(
        inArray(orders.status, ["issued", "acknowledged", "reported"]),
        or(
          and(eq(people.role, "supervisor"), eq(schools.supervisorCode, people.code)),
          and(eq(people.role, "school_contact"), eq(orders.schoolCode, people.schoolCode)),
          eq(orders.issuedBy, people.code),
        ),
      ),
    );
  const plannedVisits = db
    .select({ n: count() })
    .from(assignments)
    .where(and(eq(assignments.supervisorCode, people.code), eq(assignments.status, "planned")));
  return db
    .select({ code: people.code, name: people.name, role: people.role, orders: sql<number>`${openOrders}`, visits: sql<number>`${plannedVisits}` })
    .from(people)
    .where(inJson(people.code, codes))
    .orderBy(asc(people.code));
}

/** Raw: roster-sql.ts's json_each upserts (shared with scripts/), a statement per chunk. */
/** The bulk upserts of a kind's added and changed rows (json_each chunks, limited to the importer's scope). */
export function rosterUpsertStatements(d1: D1Database, kind: RosterKind, rows: RosterRow[], nowMs: number, scope: OfficeScope): D1PreparedStatement[] {
  return rosterUpserts(kind, rows, nowMs, undefined, scope).map((upsert) => d1.prepare(upsert.sql).bind(...upsert.params));
}
