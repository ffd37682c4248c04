import type { Services } from "./services.ts";
import { loadPlanning, planInsertStatements, type PlanningData } from "../db/planning.ts";
import { markPlanSentStatement } from "../db/plan-runs.ts";
import { COUNTING_STATUSES, planWeek, REASON_ORDER, type PlanResult, type Reason, type StoredAssignment } from "../domain/planner.ts";
import type { IsoWeek } from "../domain/time.ts";
import { weekCard, weekRange, type WeekCardVisit } from "../feishu/cards/week-card.ts";
import { messages } from "../i18n/index.ts";

/**
 * The weekly plan: plan the week, store it, send each supervisor one card. Run by jobs/weekly-plan.ts on Monday 08:00, also used by `plan` (preview) and
 * `plan send` (send or re-send), so a preview is exactly what a send stores and sends.
 *
 * Queries: 1 batch of reads (loadPlanning) + 1 batch of json_each inserts (RETURNING ids) + the unit of work's
 * final batch (outbox chunks + plan_runs.sent_at). Nothing per school or per supervisor.
 */

export interface PreparedPlan {
  week: IsoWeek;
  data: PlanningData;
  plan: PlanResult;
}

export async function preparePlan(services: Pick<Services, "d1">, week: IsoWeek): Promise<PreparedPlan> {
  const data = await loadPlanning(services.d1, week);
  return { week, data, plan: planWeek(data.input) };
}

/** Counting rows of the week per supervisor (stored + new), in card order. */
export function visitsOfWeek(rows: readonly Pick<StoredAssignment, "supervisorCode" | "schoolCode" | "reason" | "status">[]) {
  const bySupervisor = new Map<string, typeof rows[number][]>();
  for (const row of rows) {
    if (!COUNTING_STATUSES.has(row.status)) continue;
    const list = bySupervisor.get(row.supervisorCode) ?? [];
    list.push(row);
    bySupervisor.set(row.supervisorCode, list);
  }
  for (const list of bySupervisor.values())
    list.sort(
      (a, b) =>
        (REASON_ORDER[a.reason as Reason] ?? 9) - (REASON_ORDER[b.reason as Reason] ?? 9) || (a.schoolCode < b.schoolCode ? -1 : a.schoolCode > b.schoolCode ? 1 : 0),
    );
  return bySupervisor;
}

function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

export interface SendOutcome {
  cards: number;
  visits: number;
  carried: number;
  noOpenId: number;
}

/**
 * Stores the plan's new rows, then queues one card per supervisor with visits this week. The first send of a
 * week uses the key `plan:<week>:<code>`; a re-send `plan:<week>:<code>:<hash of the rows>`, so re-sending an
 * unchanged plan twice sends it once more at most.
 */
export async function sendPlan(services: Services, prepared: PreparedPlan): Promise<SendOutcome> {
  const { week, data, plan } = prepared;
  const newRows = [...plan.assignments, ...plan.carriedOver];
  const statements = planInsertStatements(services.d1, week, newRows, services.nowMs);
  services.uow.write(...statements);
  const results = await services.uow.commit();
  const inserted = results.slice(0, statements.length - 1).flatMap((r) => (r.results ?? []) as StoredAssignment[]);
  const rows = [...plan.existing, ...inserted];
  const bySupervisor = visitsOfWeek(rows);
  const firstSend = !data.run?.sentAt;
  const names = new Map([...data.supervisors.values()].map((s) => [s.code, s.name]));
  const outcome: SendOutcome = { cards: 0, visits: 0, carried: plan.carriedOver.length, noOpenId: 0 };
  for (const [code, list] of [...bySupervisor].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const supervisor = data.supervisors.get(code);
    outcome.visits += list.length;
    if (!supervisor?.openId) {
      outcome.noOpenId++;
      continue;
    }
    const t = messages(supervisor.lang);
    const visits: WeekCardVisit[] = (list as StoredAssignment[]).map((row) => {
      const school = data.schools.get(row.schoolCode);
      return {
        id: row.id!,
        schoolCode: row.schoolCode,
        schoolName: school?.name ?? row.schoolCode,
        address: school?.address ?? "",
        reason: row.reason,
        topic: row.topic ?? null,
        status: row.status,
        note: row.note ?? null,
      };
    });
    const content = weekCard(t, { week, supervisorName: supervisor.name, visits, range: weekRange(week, t, plan.schoolDays), substitutes: names });
    const key = firstSend ? `plan:${week}:${code}` : `plan:${week}:${code}:${hash(visits.map((v) => `${v.id}/${v.status}`).join(","))}`;
    services.uow.send({ key, to: { openId: supervisor.openId }, msgType: "interactive", content });
    outcome.cards++;
  }
  services.uow.write(markPlanSentStatement(services.d1, week, services.nowMs));
  return outcome;
}

export type WeeklyPlanResult = { ok: true; outcome: SendOutcome } | { ok: false; reason: "already-sent" | "no-school-days" };

/** The Monday job's run: plans and sends `week` unless it was sent already or has no school days. */
export async function planAndSendWeek(services: Services, week: IsoWeek): Promise<WeeklyPlanResult> {
  const prepared = await preparePlan(services, week);
  if (prepared.data.run?.sentAt) return { ok: false, reason: "already-sent" };
  if (prepared.plan.schoolDays.length === 0) return { ok: false, reason: "no-school-days" };
  return { ok: true, outcome: await sendPlan(services, prepared) };
}
