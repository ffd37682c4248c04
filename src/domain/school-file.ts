/** The school's file (pure): the term it covers, and how much of a long history one card shows. */
import { addDays, type IsoDate } from "./time.ts";

/** rows of each section shown, newest first; the rest are counted */
export const FILE_ROWS = 8;
export const FILE_PHOTOS = 9;
/** without a term in the calendar, the file covers this many days back */
export const FALLBACK_DAYS = 183;

/** The term containing `today`, else the latest term begun before it, else the last half year. */
export function termOf(terms: readonly { name: string; startDate: IsoDate; endDate: IsoDate }[], today: IsoDate): { name: string | null; from: IsoDate; to: IsoDate } {
  const current = terms.find((term) => term.startDate <= today && today <= term.endDate);
  const latest = current ?? [...terms].filter((term) => term.startDate <= today).sort((a, b) => b.startDate.localeCompare(a.startDate))[0];
  if (latest) return { name: latest.name, from: latest.startDate, to: today };
  return { name: null, from: addDays(today, -FALLBACK_DAYS), to: today };
}

/** The school a file is about: its zone and supervisor (names null when unknown). */
export interface SchoolHeader {
  code: string;
  name: string;
  zoneCode: string;
  zoneName: string | null;
  supervisorCode: string | null;
  supervisorName: string | null;
}

/** A planned visit (with its report, if any) or a report made without a plan. */
export interface FileVisit {
  week: string;
  visitDate: string | null;
  reason: string | null;
  kind: string | null;
  status: string;
}

export interface FileProblem {
  item: string;
  topic: string | null;
  description: string;
  severity: "minor" | "general" | "serious";
  /** 1 when fixed on the spot, else 0 */
  fixedOnSpot: number;
  deadline: string | null;
  /** the status of the rectification item tracking it, if any */
  orderStatus: string | null;
  visitDate: string;
}

export interface FileOrder {
  number: string;
  kind: string;
  status: string;
  dueDate: string;
}

export interface FilePhoto {
  id: number;
  subjectKind: "report" | "order";
  subjectId: number;
  r2Key: string | null;
  imageKey: string | null;
  contentType: string;
  receivedAt: number;
}

/** What the file shows: each list cut to its newest rows (FILE_ROWS, FILE_PHOTOS), with the counts of the whole. */
export interface SchoolFileData {
  visits: FileVisit[];
  visitCounts: Record<string, number>;
  problems: FileProblem[];
  problemCounts: { open: number; fixed: number };
  orders: FileOrder[];
  orderCounts: { total: number; open: number; overdue: number };
  photos: FilePhoto[];
  photoCount: number;
}
