/** The demo period and its quarters, in a cluster's time zone. */
import { zonedInstant } from './time.js';

/** The demo covers 2025-Q2 … 2026-Q3 and the weeks since, up to this local date (exclusive). */
export const FIRST_DAY = { year: 2025, month: 4, day: 1 };
export const END_DAY = { year: 2026, month: 11, day: 22 };

export interface Quarter {
  label: string;
  start: number;
  end: number;
}

export function periodStart(tz: string) {
  return zonedInstant(tz, FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day);
}
export function periodEnd(tz: string) {
  return zonedInstant(tz, END_DAY.year, END_DAY.month, END_DAY.day);
}

/** Calendar quarters from 2025-Q2 to 2026-Q4 (the last one incomplete). */
export function quarters(tz: string): Quarter[] {
  const out: Quarter[] = [];
  for (let y = 2025, q = 2; y < 2027; q === 4 ? ((q = 1), y++) : q++) {
    const m = (q - 1) * 3 + 1;
    const next = q === 4 ? { y: y + 1, m: 1 } : { y, m: m + 3 };
    out.push({ label: `${y}-Q${q}`, start: zonedInstant(tz, y, m, 1), end: zonedInstant(tz, next.y, next.m, 1) });
    if (y === 2026 && q === 4) break;
  }
  return out;
}

/** Local midnights from the first day to the end (exclusive), as UTC instants. */
export function days(tz: string): number[] {
  const out: number[] = [];
  const d = new Date(Date.UTC(FIRST_DAY.year, FIRST_DAY.month - 1, FIRST_DAY.day));
  const stop = Date.UTC(END_DAY.year, END_DAY.month - 1, END_DAY.day);
  while (d.getTime() < stop) {
    out.push(zonedInstant(tz, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** [year, month] of each month of the period, from the first to the one the period ends in. */
export function months(): [number, number][] {
  const out: [number, number][] = [];
  for (let y = FIRST_DAY.year, m = FIRST_DAY.month; y < END_DAY.year || (y === END_DAY.year && m <= END_DAY.month); m === 12 ? ((m = 1), y++) : m++) out.push([y, m]);
  return out;
}

/** Quarters elapsed since the period's start (continuous), for growth curves. */
export const quartersSince = (t: number, start: number) => (t - start) / (91.3125 * 86_400_000);
