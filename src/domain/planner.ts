import { monthOf, SchoolCalendar, type IsoMonth } from "./calendar.ts";
import { addWeeks, weekStart, type IsoWeek } from "./time.ts";
import { CARRIED_NOTE, COUNTING_STATUSES, dueFollowUps, REASON_ORDER, SUBSTITUTE_NOTE, topicOfMonth } from "./planner-rules.ts";
import type { LeavePeriod, PlannedVisit, PlannerInput, PlanResult, PlanSchool, PlanSupervisor, Reason } from "./planner-rules.ts";

/**
 * The weekly visit planner. Pure: plain data in, plain data out, no clock.
 *
 * Rules (in order of priority, per supervisor, for one ISO week):
 *  1. A week with no school days (see calendar.ts) gets nothing at all.
 *  2. FOLLOW-UPS first: a school with an open order (not closed/cancelled) whose due date is before the week's
 *     Monday, with no follow-up visit report after the due date and no planned/reported follow-up assignment
 *     for that order, gets a `follow_up` visit (order_id set). Follow-ups may exceed `maxVisitsPerWeek` by one.
 *  3. CARRIED OVER: a visit that could not be placed in an earlier week (see 6) is placed next, reason
 *     `carried_over`. If it still does not fit it is dropped (it was already counted once as carried over).
 *  4. ROUTINE: every active school gets `visitsPerMonth` visits in every month with school days. A school day
 *     counts for its own month, so a week across a month boundary serves both months. A stored assignment of such
 *     a week counts for the earliest of the week's months where the school was still short (then the later one);
 *     assignments are attributed in week order, so this is a deterministic function of the stored rows.
 *     The month's remaining visits are spread over the month's remaining school weeks in which the supervisor is
 *     not on leave for the whole week: this week takes ceil(due / remaining weeks) (5 schools over 4 weeks → 2,1,1,1),
 *     so known leave is planned around. Schools with more visits due, then fewer visits so far, then by code, go first.
 *     The month's special topics (joined with 、) are attached to routine and carried-over visits.
 *  5. CAPACITY: at most `maxVisitsPerWeek` visits per supervisor per week (plus one if a follow-up is among them),
 *     counting visits already stored for the week (a re-run or a `move` into the week).
 *  6. LEAVE and OVERFLOW: a supervisor on leave for all the week's school days gets nothing. Their due visits
 *     (follow-ups, carried-over visits, and routine visits of a month with no other available week for them) go to
 *     another active supervisor of the same zone with spare capacity (most spare first, then by code; note
 *     `substitute_for:<code>`). Due visits nobody can take, and routine visits of a month's last school week that do
 *     not fit the capacity, are CARRIED OVER: stored as a row of THIS week with status `moved`, note `carried_over`
 *     and `moved_to_week` = the next week with school days (the digest counts them: status = 'moved' AND
 *     note = 'carried_over'); the planner of that week picks them up (rule 3). Open follow-ups that do not fit are not
 *     carried: they stay open and come back by rule 2.
 *  7. Only one row per (week, supervisor, school): a school with any stored row in the week is not planned again.
 *     Hence planning a week twice adds nothing, and a preview equals what is later sent.
 */

export { CARRIED_NOTE, COUNTING_STATUSES, planningWindow, REASON_ORDER, SUBSTITUTE_NOTE, TOPIC_SEPARATOR, topicOfMonth } from "./planner-rules.ts";
export type { LeavePeriod, OpenOrder, PlannedVisit, PlannerInput, PlanResult, PlanSchool, PlanSupervisor, Reason, StoredAssignment } from "./planner-rules.ts";

const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Candidate {
  school: PlanSchool;
  reason: Reason;
  orderId: number | null;
  month: IsoMonth | null;
  /** must be done this week (month ends for this supervisor, or a follow-up / carried-over visit) */
  must: boolean;
}

export function planWeek(input: PlannerInput): PlanResult {
  const calendar = input.calendar instanceof SchoolCalendar ? input.calendar : new SchoolCalendar(input.calendar);
  const week = input.week;
  const schoolDays = calendar.schoolDaysOfWeek(week);
  const result: PlanResult = { week, schoolDays, assignments: [], carriedOver: [], existing: [] };
  if (schoolDays.length === 0) return result;

  const max = Math.max(0, Math.floor(input.maxVisitsPerWeek));
  const monday = weekStart(week);
  const schoolsByCode = new Map(input.schools.map((school) => [school.code, school]));
  const supervisors = [...input.supervisors].sort(byCode);
  const supervisorCodes = new Set(supervisors.map((s) => s.code));

  // ---- leave
  const leavesByPerson = new Map<string, LeavePeriod[]>();
  for (const leave of input.leaves) {
    const list = leavesByPerson.get(leave.personCode) ?? [];
    list.push(leave);
    leavesByPerson.set(leave.personCode, list);
  }
  const onLeaveWholeWeek = (code: string, w: IsoWeek): boolean => {
    const leaves = leavesByPerson.get(code);
    if (!leaves) return false;
    const days = calendar.schoolDaysOfWeek(w);
    return days.length > 0 && days.every((day) => leaves.some((l) => l.fromDate <= day && day <= l.toDate));
  };

  // ---- monthly counts per school (attributed in week order, rule 4)
  const counts = new Map<string, Map<IsoMonth, number>>();
  const countOf = (school: string, month: IsoMonth) => counts.get(school)?.get(month) ?? 0;
  const addCount = (school: string, month: IsoMonth) => {
    let map = counts.get(school);
    if (!map) counts.set(school, (map = new Map()));
    map.set(month, (map.get(month) ?? 0) + 1);
  };
  const attribute = (schoolCode: string, w: IsoWeek): IsoMonth | null => {
    const months = calendar.monthsOfWeek(w);
    if (months.length === 0) return null;
    const vpm = schoolsByCode.get(schoolCode)?.visitsPerMonth ?? 1;
    return months.find((m) => countOf(schoolCode, m) < vpm) ?? months[months.length - 1]!;
  };
  for (const visit of input.visits ?? []) addCount(visit.schoolCode, monthOf(visit.visitDate));
  const counting = input.assignments
    .filter((a) => COUNTING_STATUSES.has(a.status))
    .sort((a, b) => cmp(a.week, b.week) || cmp(a.schoolCode, b.schoolCode) || cmp(a.supervisorCode, b.supervisorCode));
  for (const a of counting) {
    const month = attribute(a.schoolCode, a.week);
    if (month) addCount(a.schoolCode, month);
  }

  // ---- what the week already holds
  const taken = new Set<string>(); // schools with any row this week
  const load = new Map<string, number>(); // supervisor → counting rows this week
  for (const a of input.assignments) {
    if (a.week !== week) continue;
    taken.add(a.schoolCode);
    if (COUNTING_STATUSES.has(a.status)) {
      result.existing.push(a);
      load.set(a.supervisorCode, (load.get(a.supervisorCode) ?? 0) + 1);
    }
  }
  result.existing.sort((a, b) => cmp(a.supervisorCode, b.supervisorCode) || cmp(a.schoolCode, b.schoolCode));

  const months = calendar.monthsOfWeek(week);
  const topicFor = (month: IsoMonth | null) => (month ? topicOfMonth(input.specialTopics, month) : null);

  // ---- follow-ups and carried-over visits, by school
  const followUpBySchool = dueFollowUps(input.orders, monday);
  const carriedIn = new Set<string>();
  for (const a of input.assignments) {
    if (a.status === "moved" && a.note === CARRIED_NOTE && a.movedToWeek === week) carriedIn.add(a.schoolCode);
  }

  // ---- candidates per supervisor
  const schoolsBySupervisor = new Map<string, PlanSchool[]>();
  for (const school of [...input.schools].sort(byCode)) {
    if (!school.supervisorCode || !supervisorCodes.has(school.supervisorCode)) continue;
    const list = schoolsBySupervisor.get(school.supervisorCode) ?? [];
    list.push(school);
    schoolsBySupervisor.set(school.supervisorCode, list);
  }

  const nextSchoolWeek = (() => {
    for (let i = 1; i <= 26; i++) {
      const w = addWeeks(week, i);
      if (calendar.schoolDaysOfWeek(w).length > 0) return w;
    }
    return addWeeks(week, 1);
  })();

  const visit = (supervisorCode: string, c: Candidate, note: string | null = null): PlannedVisit => ({
    week,
    supervisorCode,
    schoolCode: c.school.code,
    reason: c.reason,
    topic: c.reason === "follow_up" ? null : topicFor(c.month ?? months[0] ?? null),
    orderId: c.orderId,
    status: "planned",
    note,
    movedToWeek: null,
  });
  const place = (supervisorCode: string, c: Candidate, note: string | null = null) => {
    result.assignments.push(visit(supervisorCode, c, note));
    taken.add(c.school.code);
    load.set(supervisorCode, (load.get(supervisorCode) ?? 0) + 1);
    if (c.month) addCount(c.school.code, c.month);
  };
  const carry = (c: Candidate) => {
    result.carriedOver.push({ ...visit(c.school.supervisorCode!, c, CARRIED_NOTE), status: "moved", movedToWeek: nextSchoolWeek });
    taken.add(c.school.code);
  };

  /** Candidates of one supervisor, in priority order. `available` false → only what is due now (rule 6). */
  const candidatesOf = (supervisorCode: string, available: boolean): { list: Candidate[]; targets: Map<IsoMonth, number> } => {
    const mine = (schoolsBySupervisor.get(supervisorCode) ?? []).filter((s) => !taken.has(s.code));
    const list: Candidate[] = [];
    for (const school of mine) {
      const order = followUpBySchool.get(school.code);
      if (order) list.push({ school, reason: "follow_up", orderId: order.orderId, month: attribute(school.code, week), must: true });
    }
    for (const school of mine) {
      if (carriedIn.has(school.code) && !followUpBySchool.has(school.code))
        list.push({ school, reason: "carried_over", orderId: null, month: attribute(school.code, week), must: true });
    }
    const inList = new Set(list.map((c) => c.school.code));
    const targets = new Map<IsoMonth, number>();
    for (const month of months) {
      const remaining = calendar.schoolWeeksOfMonth(month).filter((w) => w >= week && !onLeaveWholeWeek(supervisorCode, w)).length;
      const due = mine
        .filter((s) => !inList.has(s.code))
        .map((school) => ({ school, due: school.visitsPerMonth - countOf(school.code, month) }))
        .filter((d) => d.due > 0)
        .sort((a, b) => b.due - a.due || countOf(a.school.code, month) - countOf(b.school.code, month) || byCode(a.school, b.school));
      const total = due.reduce((sum, d) => sum + d.due, 0);
      const must = remaining <= (available ? 1 : 0);
      if (!available && !must) continue;
      const target = must ? total : Math.ceil(total / Math.max(1, remaining));
      targets.set(month, target);
      for (const d of due) list.push({ school: d.school, reason: "routine", orderId: null, month, must });
    }
    return { list, targets };
  };

  const onLeave: string[] = [];
  const spare = new Map<string, number>();
  for (const supervisor of supervisors) {
    if (onLeaveWholeWeek(supervisor.code, week)) {
      onLeave.push(supervisor.code);
      continue;
    }
    const { list, targets } = candidatesOf(supervisor.code, true);
    const existing = load.get(supervisor.code) ?? 0;
    const followUps = list.filter((c) => c.reason === "follow_up").slice(0, Math.max(0, max + 1 - existing));
    const limit = max + (followUps.length > 0 ? 1 : 0);
    for (const c of followUps) place(supervisor.code, c);
    const taken_ = new Map<IsoMonth, number>();
    const placedHere = new Set(followUps.map((c) => c.school.code));
    for (const c of list) {
      if (c.reason === "follow_up" || placedHere.has(c.school.code)) continue;
      const used = load.get(supervisor.code) ?? 0;
      if (c.reason === "carried_over") {
        if (used < limit) {
          place(supervisor.code, c);
          placedHere.add(c.school.code);
        }
        continue;
      }
      const month = c.month!;
      const target = targets.get(month) ?? 0;
      if ((taken_.get(month) ?? 0) < target && used < limit) {
        place(supervisor.code, c);
        placedHere.add(c.school.code);
        taken_.set(month, (taken_.get(month) ?? 0) + 1);
      } else if (c.must && !placedHere.has(c.school.code)) {
        carry(c);
        placedHere.add(c.school.code);
      }
    }
    spare.set(supervisor.code, Math.max(0, max - (load.get(supervisor.code) ?? 0)));
  }

  // ---- rule 6: redistribute what supervisors on leave had due
  const zoneOf = new Map(supervisors.map((s) => [s.code, s.zoneCode]));
  const byZone = new Map<string, PlanSupervisor[]>();
  for (const s of supervisors) byZone.set(s.zoneCode ?? "", [...(byZone.get(s.zoneCode ?? "") ?? []), s]);
  for (const code of onLeave) {
    const { list } = candidatesOf(code, false);
    const seen = new Set<string>();
    for (const c of list) {
      if (seen.has(c.school.code) || taken.has(c.school.code)) continue;
      seen.add(c.school.code);
      const zone = zoneOf.get(code) ?? c.school.zoneCode;
      let best: string | null = null;
      for (const s of byZone.get(zone ?? "") ?? []) {
        if (s.code === code || !spare.has(s.code)) continue;
        const room = spare.get(s.code)!;
        if (room > 0 && (best === null || room > spare.get(best)!)) best = s.code;
      }
      if (best) {
        place(best, c, `${SUBSTITUTE_NOTE}${code}`);
        spare.set(best, spare.get(best)! - 1);
      } else if (c.reason !== "follow_up" && c.reason !== "carried_over") {
        carry(c);
      }
    }
  }

  const order = (a: PlannedVisit, b: PlannedVisit) =>
    cmp(a.supervisorCode, b.supervisorCode) || REASON_ORDER[a.reason] - REASON_ORDER[b.reason] || cmp(a.schoolCode, b.schoolCode);
  result.assignments.sort(order);
  result.carriedOver.sort(order);
  return result;
}
