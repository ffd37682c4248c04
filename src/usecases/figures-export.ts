/** Exports (`export`): the rows of a range in the manager's scope, at most MAX_EXPORT_ROWS (one more tells it is too many). */
import { exportRows } from "../db/exports.ts";
import type { Actor } from "../db/people.ts";
import type { ExportKind } from "../domain/csv-export.ts";
import { scopeParam } from "../domain/offices.ts";
import { isoWeekOf, utcOffsetMinutes } from "../domain/time.ts";
import type { Services } from "./services.ts";

export const MAX_EXPORT_ROWS = 20_000;

export type ExportRowsResult =
  | { ok: true; rows: Record<string, unknown>[] }
  | { ok: false; reason: "empty" }
  | { ok: false; reason: "too-many"; count: number };

/** The rows to export of `kind` from `from` to `to` (checked dates, local), of what is in `actor`'s scope. */
export async function rowsToExport(services: Pick<Services, "d1" | "nowMs" | "config">, actor: Actor, kind: ExportKind, from: string, to: string): Promise<ExportRowsResult> {
  const rows = await exportRows(services.d1, kind, {
    from,
    to,
    fromWeek: isoWeekOf(from),
    toWeek: isoWeekOf(to),
    offset: `${utcOffsetMinutes(services.nowMs, services.config.TIMEZONE)} minutes`,
    limit: MAX_EXPORT_ROWS + 1,
    scope: scopeParam(actor.scope),
  });
  if (rows.length === 0) return { ok: false, reason: "empty" };
  if (rows.length > MAX_EXPORT_ROWS) return { ok: false, reason: "too-many", count: rows.length };
  return { ok: true, rows };
}

export { EXPORT_COLUMNS } from "../db/exports.ts";
