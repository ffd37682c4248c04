/**
 * What photos can be attached to: a visit report's and an order's label, and the person's choices with their
 * photo counts (re-exported by photos.ts).
 */

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

export async function reportLabel(d1: D1Database, id: number): Promise<ReportLabel | null> {
  return d1
    .prepare(
      `SELECT r.id, r.school_code AS schoolCode, COALESCE(s.name, r.school_code) AS schoolName, r.visit_date AS visitDate,
         r.supervisor_code AS supervisorCode, r.submitted_by AS submittedBy, COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict
       FROM reports r LEFT JOIN schools s ON s.code = r.school_code LEFT JOIN zones z ON z.code = s.zone_code WHERE r.id = ?1`,
    )
    .bind(id)
    .first<ReportLabel>();
}

export async function orderLabel(d1: D1Database, id: number): Promise<OrderLabel | null> {
  return d1
    .prepare(
      `SELECT o.id, o.number, o.school_code AS schoolCode, COALESCE(s.name, o.school_code) AS schoolName, o.status,
         s.supervisor_code AS supervisorCode, o.issued_by AS issuedBy, o.updated_at AS updatedAt, COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict
       FROM orders o LEFT JOIN schools s ON s.code = o.school_code LEFT JOIN zones z ON z.code = s.zone_code WHERE o.id = ?1`,
    )
    .bind(id)
    .first<OrderLabel>();
}

/** The person's latest visit reports (as reporter or nameplate supervisor) and the open orders of their schools. */
export async function attachChoices(
  d1: D1Database,
  person: { code: string; role: string; schoolCode: string | null },
  limit: number,
): Promise<{ reports: (ReportLabel & { photos: number })[]; orders: (OrderLabel & { photos: number })[] }> {
  const photoCount = (kind: string, column: string) =>
    `(SELECT COUNT(*) FROM photos p WHERE p.subject_kind = '${kind}' AND p.subject_id = ${column} AND p.state = 'attached') AS photos`;
  const [reports, orders] = await d1.batch([
    d1
      .prepare(
        `SELECT r.id, r.school_code AS schoolCode, COALESCE(s.name, r.school_code) AS schoolName, r.visit_date AS visitDate,
           r.supervisor_code AS supervisorCode, r.submitted_by AS submittedBy, ${photoCount("report", "r.id")}
         FROM reports r LEFT JOIN schools s ON s.code = r.school_code
         WHERE r.submitted_by = ?1 OR r.supervisor_code = ?1 ORDER BY r.updated_at DESC, r.id DESC LIMIT ?2`,
      )
      .bind(person.code, limit),
    d1
      .prepare(
        `SELECT o.id, o.number, o.school_code AS schoolCode, COALESCE(s.name, o.school_code) AS schoolName, o.status,
           s.supervisor_code AS supervisorCode, o.issued_by AS issuedBy, o.updated_at AS updatedAt, COALESCE(z.level, 'city') AS zoneLevel, COALESCE(z.district, '') AS zoneDistrict, ${photoCount("order", "o.id")}
         FROM orders o LEFT JOIN schools s ON s.code = o.school_code LEFT JOIN zones z ON z.code = s.zone_code
         WHERE o.status IN ('issued', 'acknowledged', 'reported')
           AND ((?2 = 'supervisor' AND s.supervisor_code = ?1) OR (?2 = 'school_contact' AND o.school_code = ?3)
                OR EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.actor_code = ?1 AND e.action = 'reported'))
         ORDER BY o.updated_at DESC, o.id DESC LIMIT ?4`,
      )
      .bind(person.code, person.role, person.schoolCode ?? "", limit),
  ]);
  return {
    reports: (reports?.results ?? []) as (ReportLabel & { photos: number })[],
    orders: (orders?.results ?? []) as (OrderLabel & { photos: number })[],
  };
}
