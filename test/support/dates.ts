import { addDays, localDate } from "../../src/domain/time.ts";

/**
 * Dates as the Worker reckons them: its TIMEZONE (Asia/Shanghai in TestWorker), read from the same src/domain/time.ts
 * the Worker uses, at the moment asked — never the host's time zone, never once at module load. Orders are
 * numbered by the Shanghai year of the moment they are issued (督办〔2026〕1号), due dates and "逾期 N 天" count
 * Shanghai days.
 *
 * The year turn and midnight: a value computed before an action and compared after it can straddle Shanghai's
 * midnight. `sameShanghaiDay(run)` runs `run` and, when the Shanghai date changed while it ran, runs it once more
 * (a fresh run then lies inside one day; a scenario takes far less than a day).
 */

export const WORKER_TIME_ZONE = "Asia/Shanghai";

/** Today in Shanghai (YYYY-MM-DD) at `nowMs`. */
export function shanghaiToday(nowMs = Date.now()): string {
  return localDate(nowMs, WORKER_TIME_ZONE);
}

/** The Shanghai year at `nowMs` (the year in an order's number). */
export function shanghaiYear(nowMs = Date.now()): number {
  return Number(shanghaiToday(nowMs).slice(0, 4));
}

/** `date` (YYYY-MM-DD) plus `days` calendar days. */
export function plusDays(date: string, days: number): string {
  return addDays(date, days);
}

/** Shanghai's date `days` from today. */
export function shanghaiDaysFromToday(days: number, nowMs = Date.now()): string {
  return plusDays(shanghaiToday(nowMs), days);
}

/** An order's number as the Worker writes it when issued at `nowMs`: 督办〔YYYY〕N号. */
export function orderNumber(n: number, nowMs = Date.now(), prefix = "督办"): string {
  return `${prefix}〔${shanghaiYear(nowMs)}〕${n}号`;
}

/**
 * Runs `run` so that what it computes from "today" and what the Worker does inside it fall on one Shanghai day:
 * when the Shanghai date at the end differs from the start, runs it again (once). `run` gets the day it ran on.
 */
export async function sameShanghaiDay<T>(run: (today: string) => Promise<T>): Promise<T> {
  const start = shanghaiToday();
  const result = await run(start);
  if (shanghaiToday() === start) return result;
  const again = shanghaiToday();
  return run(again);
}
