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
