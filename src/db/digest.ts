/**
 * The digest's reads: ONE D1 batch of a fixed number of statements whatever the
 * roster size (aggregates GROUP BY zone; lists cut to ROWS_PER_ZONE rows per zone
 * with window functions). No query per school, zone or person.
 * `loadDigest(...).queries` says how many statements it took (logged by the job).
 */
import { eq } from "drizzle-orm";
import type { BatchResponse } from "drizzle-orm/batch";
import { ROWS_PER_ZONE, type DigestData, type DigestWindow, type PersonRow } from "../domain/digest.ts";
import { openDb, type Db } from "./client.ts";
import { escalationsQuery, feedbackQuery, missesQuery, ordersQuery, peopleQuery, problemsQuery, seriousQuery, unvisitedQuery, visitsQuery, zonesQuery } from "./digest-queries.ts";
import { calendarQuery } from "./planning.ts";
import { digests } from "./schema.ts";

export interface LoadedDigest {
  data: DigestData;
  people: PersonRow[];
  sentScopes: Set<string>;
  /** how many D1 statements were run */
  queries: number;
}

function digestQueries(db: Db, window: DigestWindow) {
  return [
    zonesQuery(db),
    visitsQuery(db, window.week),
    problemsQuery(db, window.week),
    seriousQuery(db, window.week, ROWS_PER_ZONE),
    ordersQuery(db, window.startMs, window.endMs),
    escalationsQuery(db, window.endMs, window.escalationCutoff, ROWS_PER_ZONE),
    unvisitedQuery(db, window.monthStart, window.monthTo, ROWS_PER_ZONE),
    missesQuery(db, window.monthFirstWeek, window.week),
    calendarQuery(db),
    feedbackQuery(db, window.startMs, window.endMs),
  ] as const;
}

type DigestRows = BatchResponse<ReturnType<typeof digestQueries>>;

function digestData(window: DigestWindow, rows: DigestRows): DigestData {
  const [zoneRows, visits, problemRows, serious, orderRows, escalations, unvisited, misses, calendar, feedbackRows] = rows;
  return {
    window,
    zones: zoneRows,
    visits,
    problems: problemRows,
    serious,
    orders: orderRows,
    escalations,
    unvisited,
    misses,
    calendar,
    feedback: feedbackRows,
  };
}

/** Everything a digest needs, in one D1 batch; `withJob` adds the personal lines and the sent scopes. */
export async function loadDigest(d1: D1Database, window: DigestWindow, job: { nowMs: number } | null = null): Promise<LoadedDigest> {
  const db = openDb(d1);
  const queries = digestQueries(db, window);
  if (!job) return { data: digestData(window, await db.batch(queries)), people: [], sentScopes: new Set(), queries: queries.length };
  const sentQuery = db.select({ scope: digests.scope }).from(digests).where(eq(digests.week, window.week));
  const results = await db.batch([...queries, peopleQuery(db, window.week, job.nowMs), sentQuery]);
  // the spread batch's type is an array of the union of rows: each part is given its type back here
  const people = results[queries.length] as PersonRow[];
  const sent = results[queries.length + 1] as { scope: string }[];
  return {
    data: digestData(window, results.slice(0, queries.length) as unknown as DigestRows),
    people,
    sentScopes: new Set(sent.map((r) => r.scope)),
    queries: queries.length + 2,
  };
}

/** Records the digests sent (ON CONFLICT: a re-run adds nothing). The `office` row also closes report editing for the week. */
export function markSentStatement(d1: D1Database, week: string, scopes: readonly string[], nowMs: number): D1PreparedStatement {
  // hand-written: a json_each fan-out (one row per scope from one bound JSON array; drizzle has no insert-from-JSON)
  return d1
    .prepare(`INSERT INTO digests (week, scope, sent_at) SELECT ?1, value, ?2 FROM json_each(?3) WHERE true ON CONFLICT(week, scope) DO NOTHING`)
    .bind(week, nowMs, JSON.stringify(scopes));
}
