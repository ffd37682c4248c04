/**
 * The weekly visit planner's vocabulary (planner.ts has the rules and the assignment loop): its inputs and
 * outputs, the notes it stores, the weeks it reads, the topic a visit carries, and which open orders are due a
 * follow-up (rule 2).
 */
import type { CalendarPeriod, IsoMonth, SchoolCalendar } from "./calendar.ts";
import { addDays, addWeeks, isoWeekOf, weekStart, type IsoDate, type IsoWeek } from "./time.ts";

export const REASON_ORDER = { follow_up: 0, carried_over: 1, special_topic: 2, routine: 3 } as const;
export type Reason = keyof typeof REASON_ORDER;

/** Statuses of stored assignments that count as a visit for the month and take a slot in their week. */
export const COUNTING_STATUSES: ReadonlySet<string> = new Set(["planned", "reported", "missed"]);
export const CARRIED_NOTE = "carried_over";
/** joins a month's special topics into the one `topic` a visit carries (report-form.ts splits it again) */
export const TOPIC_SEPARATOR = "、";
export const SUBSTITUTE_NOTE = "substitute_for:";

export interface PlanSchool {
  code: string;
  zoneCode: string;
  supervisorCode: string | null;
  visitsPerMonth: number;
}

export interface PlanSupervisor {
  code: string;
  zoneCode: string | null;
}

export interface StoredAssignment {
  id?: number;
  week: IsoWeek;
  supervisorCode: string;
  schoolCode: string;
  reason: string;
  status: string;
  topic?: string | null;
  orderId?: number | null;
  note?: string | null;
  movedToWeek?: IsoWeek | null;
}

export interface OpenOrder {
  orderId: number;
  schoolCode: string;
  dueDate: IsoDate;
  status: string;
  /** the latest follow-up visit report's date for the school, if any */
  lastFollowUpVisit: IsoDate | null;
  /** a planned or reported follow-up assignment exists for this order */
  followUpPlanned: boolean;
}

export interface LeavePeriod {
  personCode: string;
  fromDate: IsoDate;
  toDate: IsoDate;
}

export interface PlannerInput {
  week: IsoWeek;
  schools: readonly PlanSchool[];
  supervisors: readonly PlanSupervisor[];
  calendar: SchoolCalendar | readonly CalendarPeriod[];
  /** stored assignments of this week and of the weeks around the months it serves (see planningWindow) */
  assignments: readonly StoredAssignment[];
  /** visits reported without an assignment (ad hoc), by school and date: they count for their month */
  visits?: readonly { schoolCode: string; visitDate: IsoDate }[];
  leaves: readonly LeavePeriod[];
  orders: readonly OpenOrder[];
  /** month 'YYYY-MM' → topics */
  specialTopics: Readonly<Record<string, readonly string[]>>;
  maxVisitsPerWeek: number;
}

export interface PlannedVisit {
  week: IsoWeek;
  supervisorCode: string;
  schoolCode: string;
  reason: Reason;
  topic: string | null;
  orderId: number | null;
  status: "planned" | "moved";
  note: string | null;
  movedToWeek: IsoWeek | null;
}

export interface PlanResult {
  week: IsoWeek;
  schoolDays: IsoDate[];
  /** new rows to store with status `planned` */
  assignments: PlannedVisit[];
  /** new rows to store with status `moved`, note `carried_over` */
  carriedOver: PlannedVisit[];
  /** rows already stored for the week that count (planned / reported / missed) */
  existing: StoredAssignment[];
}

/** The weeks whose stored assignments the planner needs: from the first week of the month before, to the week after the last month served. */
export function planningWindow(week: IsoWeek): { fromWeek: IsoWeek; toWeek: IsoWeek; fromDate: IsoDate; toDate: IsoDate } {
  const monday = weekStart(week);
  const year = Number(monday.slice(0, 4));
  const month = Number(monday.slice(5, 7));
  const prev = month === 1 ? `${year - 1}-12-01` : `${year}-${String(month - 1).padStart(2, "0")}-01`;
  return { fromWeek: isoWeekOf(prev), toWeek: addWeeks(week, 7), fromDate: prev, toDate: addDays(weekStart(addWeeks(week, 7)), 6) };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Rule 2: per school, the earliest-due open order due before `monday` with no follow-up reported after its due date or planned. */
export function dueFollowUps(orders: readonly OpenOrder[], monday: IsoDate): Map<string, OpenOrder> {
  const followUpBySchool = new Map<string, OpenOrder>();
  for (const order of [...orders].sort((a, b) => cmp(a.dueDate, b.dueDate) || a.orderId - b.orderId)) {
    if (order.status === "closed" || order.status === "cancelled") continue;
    if (!(order.dueDate < monday)) continue;
    if (order.lastFollowUpVisit && order.lastFollowUpVisit > order.dueDate) continue;
    if (order.followUpPlanned) continue;
    if (!followUpBySchool.has(order.schoolCode)) followUpBySchool.set(order.schoolCode, order);
  }
  return followUpBySchool;
}

/** The topic visits of `month` carry: the month's special topics joined by TOPIC_SEPARATOR, or null. */
export function topicOfMonth(specialTopics: Readonly<Record<string, readonly string[]>>, month: IsoMonth): string | null {
  const topics = specialTopics[month];
  return topics && topics.length ? topics.join(TOPIC_SEPARATOR) : null;
}
