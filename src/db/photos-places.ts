/**
 * What photos can be attached to: a visit report's and an order's label, and the person's choices with their
 * photo counts (re-exported by photos.ts).
 */
import { and, count, desc, eq, exists, inArray, or, sql } from "drizzle-orm";
import { openDb } from "./client.ts";
import { orderEvents, orders, photos, reports, schools, zones } from "./schema.ts";

export interface ReportLabel {
  id: number;
  schoolCode: string;
  schoolName: string;
  visitDate: string;
  supervisorCode: string;
  submittedBy: string;
  /** the school's zone, for the office scope (city when unknown) */
  zoneLevel: "city" | "district";
  zoneDistrict: string;
}

export interface OrderLabel {
  id: number;
  number: string;
  schoolCode: string;
  schoolName: string;
  status: string;
  supervisorCode: string | null;
  issuedBy: string;
  updatedAt: number;
  zoneLevel: "city" | "district";
  zoneDistrict: string;
}

const zoneLevel = sql<"city" | "district">`COALESCE(${zones.level}, 'city')`.as("zoneLevel");
const zoneDistrict = sql<string>`COALESCE(${zones.district}, '')`.as("zoneDistrict");

const reportColumns = {
  id: reports.id,
  schoolCode: reports.schoolCode,
  schoolName: sql<string>`COALESCE(${schools.name}, ${reports.schoolCode})`.as("schoolName"),
  visitDate: reports.visitDate,
  supervisorCode: reports.supervisorCode,
  submittedBy: reports.submittedBy,
};

const orderColumns = {
  id: orders.id,
  number: orders.number,
  schoolCode: orders.schoolCode,
  schoolName: sql<string>`COALESCE(${schools.name}, ${orders.schoolCode})`.as("schoolName"),
  status: orders.status,
  supervisorCode: schools.supervisorCode,
  issuedBy: orders.issuedBy,
  updatedAt: orders.updatedAt,
  zoneLevel,
  zoneDistrict,
};

export async function reportLabel(d1: D1Database, id: number): Promise<ReportLabel | null> {
  const row = await openDb(d1)
    .select({ ...reportColumns, zoneLevel, zoneDistrict })
    .from(reports)
    .leftJoin(schools, eq(schools.code, reports.schoolCode))
    .leftJoin(zones, eq(zones.code, schools.zoneCode))
    .where(eq(reports.id, id))
    .get();
  return row ?? null;
}

export async function orderLabel(d1: D1Database, id: number): Promise<OrderLabel | null> {
  const row = await openDb(d1)
    .select(orderColumns)
    .from(orders)
    .leftJoin(schools, eq(schools.code, orders.schoolCode))
    .leftJoin(zones, eq(zones.code, schools.zoneCode))
    .where(eq(orders.id, id))
    .get();
  return row ?? null;
}

/** A report's choice: its label without the zone (the choice needs none). */
export type ReportChoice = Omit<ReportLabel, "zoneLevel" | "zoneDistrict"> & { photos: number };

/** The person's latest visit reports (as reporter or nameplate supervisor) and the open orders of their schools. */
export async function attachChoices(
  d1: D1Database,
  person: { code: string; role: string; schoolCode: string | null },
  limit: number,
): Promise<{ reports: ReportChoice[]; orders: (OrderLabel & { photos: number })[] }> {
  const db = openDb(d1);
  const photoCount = (kind: "report" | "order", id: typeof reports.id | typeof orders.id) =>
    sql<number>`${db
      .select({ n: count() })
      .from(photos)
      .where(and(eq(photos.subjectKind, kind), eq(photos.subjectId, id), eq(photos.state, "attached")))}`.as("photos");
  // batched: D1 hands back rows as objects, drizzle maps them by column name, so no two columns share a name
  const [reportRows, orderRows] = await db.batch([
    db
      .select({ ...reportColumns, photos: photoCount("report", reports.id) })
      .from(reports)
      .leftJoin(schools, eq(schools.code, reports.schoolCode))
      .where(or(eq(reports.submittedBy, person.code), eq(reports.supervisorCode, person.code)))
      .orderBy(desc(reports.updatedAt), desc(reports.id))
      .limit(limit),
    db
      .select({ ...orderColumns, photos: photoCount("order", orders.id) })
      .from(orders)
      .leftJoin(schools, eq(schools.code, orders.schoolCode))
      .leftJoin(zones, eq(zones.code, schools.zoneCode))
      .where(
        and(
          inArray(orders.status, ["issued", "acknowledged", "reported"]),
          or(
            person.role === "supervisor" ? eq(schools.supervisorCode, person.code) : undefined,
            person.role === "school_contact" ? eq(orders.schoolCode, person.schoolCode ?? "") : undefined,
            exists(
              db
                .select({ one: sql`1` })
                .from(orderEvents)
                .where(and(eq(orderEvents.orderId, orders.id), eq(orderEvents.actorCode, person.code), eq(orderEvents.action, "reported"))),
            ),
          ),
        ),
      )
      .orderBy(desc(orders.updatedAt), desc(orders.id))
      .limit(limit),
  ]);
  return { reports: reportRows, orders: orderRows };
}
