/**
 * Calendar arithmetic in the office's time zone. Dates are 'YYYY-MM-DD'
 * strings; ISO weeks are 'YYYY-Www'. Pure: "now" is always an argument.
 */

export type IsoDate = string;
export type IsoWeek = string;

const DAY_MS = 86_400_000;

/** The calendar date at `nowMs` in `timeZone`. */
export function localDate(nowMs: number, timeZone: string): IsoDate {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date(nowMs));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Minutes the office's clock is ahead of UTC at `nowMs` (480 for Asia/Shanghai). */
export function utcOffsetMinutes(nowMs: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(new Date(nowMs))
      .map((part) => [part.type, Number(part.value)]),
  );
  const localAsUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  return Math.round((localAsUtc - Math.floor(nowMs / 60_000) * 60_000) / 60_000);
}

/** `YYYY-MM-DD HH:mm` at `ms` in `timeZone`, for times shown to people. */
export function localDateTime(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** Epoch ms of 00:00 on `date` in `timeZone` (the offset taken twice, so a day starting a DST change is right). */
export function localMidnightMs(date: IsoDate, timeZone: string): number {
  const naive = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  const first = naive - utcOffsetMinutes(naive, timeZone) * 60_000;
  return naive - utcOffsetMinutes(first, timeZone) * 60_000;
}

const toUtcMs = (date: IsoDate) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
const fromUtcMs = (ms: number): IsoDate => new Date(ms).toISOString().slice(0, 10);

export function isValidDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  return fromUtcMs(toUtcMs(text)) === text;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / DAY_MS);
}

/** 1 = Monday … 7 = Sunday */
export function weekday(date: IsoDate): number {
  const day = new Date(toUtcMs(date)).getUTCDay();
  return day === 0 ? 7 : day;
}

export function isoWeekOf(date: IsoDate): IsoWeek {
  const thursday = addDays(date, 4 - weekday(date));
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Monday of an ISO week. */
export function weekStart(week: IsoWeek): IsoDate {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) throw new Error(`not an ISO week: ${week}`);
  const year = Number(match[1]);
  const jan4 = `${year}-01-04`;
  const firstMonday = addDays(jan4, 1 - weekday(jan4));
  return addDays(firstMonday, (Number(match[2]) - 1) * 7);
}

/** Monday … Sunday of an ISO week. */
export function weekDates(week: IsoWeek): IsoDate[] {
  const monday = weekStart(week);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

export function addWeeks(week: IsoWeek, weeks: number): IsoWeek {
  return isoWeekOf(addDays(weekStart(week), weeks * 7));
}

export function isValidWeek(text: string): boolean {
  const match = /^(\d{4})-W(\d{2})$/.exec(text);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 53) return false;
  return isoWeekOf(weekStart(text)) === text;
}

export function currentWeek(nowMs: number, timeZone: string): IsoWeek {
  return isoWeekOf(localDate(nowMs, timeZone));
}

/**
 * A week as users type it: `2026-W49`, `W49`/`49` (this year), `本周`/`this`,
 * `下周`/`next`, `上周`/`last`, or any date inside the week. Null if not a week.
 */
export function parseWeek(text: string, nowMs: number, timeZone: string): IsoWeek | null {
  const input = text.normalize("NFKC").trim().toUpperCase();
  const today = localDate(nowMs, timeZone);
  const thisWeek = isoWeekOf(today);
  if (["", "本周", "THIS", "这周"].includes(input)) return thisWeek;
  if (["下周", "NEXT"].includes(input)) return addWeeks(thisWeek, 1);
  if (["上周", "LAST"].includes(input)) return addWeeks(thisWeek, -1);
  let match = /^(\d{4})-?W(\d{1,2})$/.exec(input);
  if (match) {
    const week = `${match[1]}-W${match[2]!.padStart(2, "0")}`;
    return isValidWeek(week) ? week : null;
  }
  match = /^(?:W|第)?(\d{1,2})周?$/.exec(input);
  if (match) {
    const week = `${today.slice(0, 4)}-W${match[1]!.padStart(2, "0")}`;
    return isValidWeek(week) ? week : null;
  }
  const date = parseDate(text, nowMs, timeZone);
  return date ? isoWeekOf(date) : null;
}

/**
 * A date as users type it: `2026-12-01`, `2026/12/1`, `12月1日`, `12-01`
 * (this year, or next year if that date has passed), `7d` / `7天` (days from
 * today), `今天`, `明天`. Null if not a date.
 */
export function parseDate(text: string, nowMs: number, timeZone: string): IsoDate | null {
  const input = text.normalize("NFKC").trim();
  const today = localDate(nowMs, timeZone);
  if (input === "今天" || input.toLowerCase() === "today") return today;
  if (input === "明天" || input.toLowerCase() === "tomorrow") return addDays(today, 1);
  let match = /^(\d+)\s*(?:d|天|日)$/i.exec(input);
  if (match) {
    const days = Number(match[1]);
    return days <= 3660 ? addDays(today, days) : null;
  }
  match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(input);
  if (match) {
    const date = `${match[1]}-${match[2]!.padStart(2, "0")}-${match[3]!.padStart(2, "0")}`;
    return isValidDate(date) ? date : null;
  }
  match = /^(\d{1,2})[-/.月](\d{1,2})日?$/.exec(input);
  if (match) {
    const md = `${match[1]!.padStart(2, "0")}-${match[2]!.padStart(2, "0")}`;
    let date = `${today.slice(0, 4)}-${md}`;
    if (!isValidDate(date) && md !== "02-29") return null;
    if (date < today) date = `${Number(today.slice(0, 4)) + 1}-${md}`;
    return isValidDate(date) ? date : null;
  }
  return null;
}
