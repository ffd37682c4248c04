/** The report or order a photo goes to, named for people, and who may add photos to it. */
import { relationOf } from "../db/orders.ts";
import type { Actor } from "../db/people.ts";
import { mayActOn } from "../domain/policy.ts";
import { orderLabel, reportLabel, type OrderLabel, type ReportLabel } from "../db/photos.ts";
import type { Subject } from "../domain/photos.ts";
import type { Messages } from "../i18n/index.ts";

export type Place = { kind: "report"; id: number; report: ReportLabel } | { kind: "order"; id: number; order: OrderLabel };

export async function loadPlace(d1: D1Database, subject: Subject): Promise<Place | null> {
  if (subject.kind === "report") {
    const report = await reportLabel(d1, subject.id);
    return report ? { kind: "report", id: subject.id, report } : null;
  }
  const order = await orderLabel(d1, subject.id);
  return order ? { kind: "order", id: subject.id, order } : null;
}

/** 「日照市实验小学 11月30日 的督导报告」 / 「督办〔2026〕1号（日照市实验小学）的整改报告」 */
export function placeName(t: Messages, place: Place): string {
  return place.kind === "report"
    ? t.photos.reportSubject(place.report.schoolName, t.photos.date(place.report.visitDate))
    : t.photos.orderSubject(place.order.number, place.order.schoolName);
}

/** A visit report: its visitor, its submitter, managers within their office's scope. An order: the school's supervisor and contacts, managers — while it is open. */
export function mayAddPhotos(actor: Actor, place: Place): "ok" | "not_yours" | "finished" {
  if (place.kind === "report") {
    const { report } = place;
    const target = { zone: { level: report.zoneLevel, district: report.zoneDistrict }, schoolCode: report.schoolCode, supervisorCode: report.supervisorCode, submittedBy: report.submittedBy };
    // the one policy (domain/policy.ts): the visitor or submitter, or a manager whose office's scope holds the school; not the school's contacts
    return actor.role !== "school_contact" && mayActOn(actor, target) ? "ok" : "not_yours";
  }
  if (relationOf(actor, place.order) === "other") return "not_yours";
  return place.order.status === "closed" || place.order.status === "cancelled" ? "finished" : "ok";
}
